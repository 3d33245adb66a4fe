package api

import (
	"errors"
	"io"
	"mime"
	"net/http"
	"os"
	"strconv"

	"houdun/internal/auth"
	"houdun/internal/httpx"
	"houdun/internal/i18n"
	"houdun/internal/importer"
	"houdun/internal/model"
	"houdun/internal/tmpdir"
)

// uploadedFile returns the file of an import request: the "file" part of a
// multipart form, or the raw body with ?filename= (or a name from its
// content type). The size is capped at MaxUploadBytes.
func (h *handlers) uploadedFile(w http.ResponseWriter, r *http.Request) (io.Reader, string, func(), error) {
	r.Body = http.MaxBytesReader(w, r.Body, h.Config.MaxUploadBytes)
	mt, _, _ := mime.ParseMediaType(r.Header.Get("Content-Type"))
	switch mt {
	case "multipart/form-data":
		mr, err := r.MultipartReader()
		if err != nil {
			return nil, "", nil, model.Errorf(model.EInvalid, "import.no_file")
		}
		for {
			part, err := mr.NextPart()
			if err != nil {
				return nil, "", nil, uploadError(err, h.Config.MaxUploadBytes, "import.no_file")
			}
			if part.FormName() == "file" && part.FileName() != "" {
				return part, part.FileName(), func() { part.Close() }, nil
			}
			part.Close()
		}
	case "text/csv":
		return r.Body, nameOr(r, "upload.csv"), func() {}, nil
	case "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet", "application/octet-stream":
		return r.Body, nameOr(r, "upload.xlsx"), func() {}, nil
	}
	return nil, "", nil, model.Errorf(model.EUnsupported, "error.unsupported_type", "multipart/form-data, text/csv, .xlsx")
}

func nameOr(r *http.Request, def string) string {
	if n := r.URL.Query().Get("filename"); n != "" {
		return n
	}
	return def
}

func uploadError(err error, max int64, key string) error {
	var tooBig *http.MaxBytesError
	if errors.As(err, &tooBig) {
		return model.Errorf(model.ETooLarge, "error.too_large", httpx.ByteSize(max))
	}
	return model.Errorf(model.EInvalid, key)
}

func dryRun(r *http.Request) (bool, error) {
	v := r.URL.Query().Get("dry_run")
	if v == "" {
		return false, nil
	}
	b, err := strconv.ParseBool(v)
	if err != nil {
		return false, model.Errorf(model.EInvalid, "error.bad_query", "dry_run")
	}
	return b, nil
}

func (h *handlers) runImport(w http.ResponseWriter, r *http.Request, kind importer.Kind) error {
	if p, _ := httpx.Require(r); !p.Can(auth.PermPersonImport) {
		return httpx.Forbidden("error.forbidden")
	}
	dry, err := dryRun(r)
	if err != nil {
		return err
	}
	// A full gate answers before the upload is read (503 with Retry-After).
	leave, err := h.Imports.Enter()
	if err != nil {
		return err
	}
	defer leave()
	file, name, done, err := h.uploadedFile(w, r)
	if err != nil {
		return err
	}
	defer done()
	opt := importer.Options{DryRun: dry}
	var res model.ImportResult
	if kind == importer.KindPeople {
		res, err = importer.ImportPeople(r.Context(), h.Store, file, name, opt)
	} else {
		res, err = importer.ImportFamilies(r.Context(), h.Store, file, name, opt)
	}
	if err != nil {
		var tooBig *http.MaxBytesError
		if errors.As(err, &tooBig) {
			return model.Errorf(model.ETooLarge, "error.too_large", httpx.ByteSize(h.Config.MaxUploadBytes))
		}
		return err
	}
	status := http.StatusOK
	if res.Created > 0 && !dry {
		status = http.StatusCreated
	}
	httpx.WriteJSON(w, status, res)
	return nil
}

func (h *handlers) importPeople(w http.ResponseWriter, r *http.Request) error {
	return h.runImport(w, r, importer.KindPeople)
}

func (h *handlers) importFamilies(w http.ResponseWriter, r *http.Request) error {
	return h.runImport(w, r, importer.KindFamilies)
}

const xlsxType = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"

func (h *handlers) template(w http.ResponseWriter, r *http.Request, kind importer.Kind) error {
	lang := i18n.FromRequest(r)
	w.Header().Set("Content-Type", xlsxType)
	w.Header().Set("Content-Disposition", attachment(lang.T("import.template_file."+string(kind))+".xlsx"))
	return importer.WriteTemplate(w, kind, lang)
}

func (h *handlers) peopleTemplate(w http.ResponseWriter, r *http.Request) error {
	return h.template(w, r, importer.KindPeople)
}

func (h *handlers) familiesTemplate(w http.ResponseWriter, r *http.Request) error {
	return h.template(w, r, importer.KindFamilies)
}

// attachment builds a Content-Disposition for a file name that may be Chinese (RFC 6266).
func attachment(name string) string {
	return mime.FormatMediaType("attachment", map[string]string{"filename": name})
}

func (h *handlers) exportPeople(w http.ResponseWriter, r *http.Request, format string) error {
	if p, _ := httpx.Require(r); !p.Can(auth.PermPersonExport) {
		return httpx.Forbidden("error.forbidden")
	}
	f, err := personFilter(r, h.Store)
	if err != nil {
		return err
	}
	lang := i18n.FromRequest(r)
	ct := xlsxType
	if format == "csv" {
		ct = "text/csv; charset=utf-8"
	}
	// Written to a temporary file first: an error then still answers as an
	// error, not as a truncated download.
	tmp, err := os.CreateTemp(tmpdir.From(r.Context()), "houdun-export-*")
	if err != nil {
		return model.Internal(err)
	}
	defer os.Remove(tmp.Name())
	defer tmp.Close()
	if _, err := importer.ExportPeople(r.Context(), h.Store, tmp, format, f, lang); err != nil {
		return err
	}
	if _, err := tmp.Seek(0, io.SeekStart); err != nil {
		return model.Internal(err)
	}
	w.Header().Set("Content-Type", ct)
	w.Header().Set("Content-Disposition", attachment(lang.T("export.people_file")+"."+format))
	_, err = io.Copy(w, tmp)
	return err
}

func (h *handlers) exportPeopleXLSX(w http.ResponseWriter, r *http.Request) error {
	return h.exportPeople(w, r, "xlsx")
}

func (h *handlers) exportPeopleCSV(w http.ResponseWriter, r *http.Request) error {
	return h.exportPeople(w, r, "csv")
}
