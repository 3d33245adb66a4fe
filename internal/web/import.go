package web

import (
	"context"
	"errors"
	"io"
	"mime"
	"net/http"
	"os"

	"houdun/internal/auth"
	"houdun/internal/httpx"
	"houdun/internal/importer"
	"houdun/internal/model"
	"houdun/internal/tmpdir"
)

// importView is the upload page: one section per roster kind.
type importView struct {
	Page
	Sections []importSection
	MaxSize  string
}

type importSection struct {
	Kind        string
	Title       string
	Help        string
	TemplateURL string
	Action      string
	Problem     string // why the last upload of this kind was refused
	DryRun      bool
}

func (h *handlers) importPage(w http.ResponseWriter, r *http.Request) error {
	h.renderImport(w, r, http.StatusOK, "", nil)
	return nil
}

// renderImport shows the upload page; problem, when set, is shown in the
// section of kind.
func (h *handlers) renderImport(w http.ResponseWriter, r *http.Request, status int, kind string, problem *model.Error) {
	v := &importView{Page: h.page(r, "web.import.title"), MaxSize: httpx.ByteSize(h.Config.MaxUploadBytes)}
	v.Current, v.Back = "import", "/import"
	for _, k := range []importer.Kind{importer.KindPeople, importer.KindFamilies} {
		s := importSection{Kind: string(k), Title: v.T("web.import." + string(k) + ".title"), Help: v.T("web.import." + string(k) + ".help"),
			TemplateURL: "/api/v1/imports/" + string(k) + "/template.xlsx", Action: "/import/" + string(k)}
		if string(k) == kind && problem != nil {
			s.Problem = v.Msg(problem.Msg)
		}
		v.Sections = append(v.Sections, s)
	}
	h.render(w, r, status, "import", v)
}

func (h *handlers) importPeople(w http.ResponseWriter, r *http.Request) error {
	return h.startImport(w, r, importer.KindPeople)
}

func (h *handlers) importFamilies(w http.ResponseWriter, r *http.Request) error {
	return h.startImport(w, r, importer.KindFamilies)
}

// startImport saves the upload to a private temporary file, starts the import
// in the background as the same user, and sends the browser to the job page.
// The request's context ends with the response, so the job runs on a context
// detached from it that keeps its values: the Principal and the client IP
// the audit rows need.
func (h *handlers) startImport(w http.ResponseWriter, r *http.Request, kind importer.Kind) error {
	p, err := need(r, auth.PermPersonImport)
	if err != nil {
		return err
	}
	// A full gate answers on the import page before the upload is read;
	// the slot is held until the job ends.
	leave, err := h.Imports.Enter()
	if err != nil {
		httpx.SetRetryAfter(w, http.StatusServiceUnavailable)
		h.renderImport(w, r, http.StatusServiceUnavailable, string(kind), model.AsError(err))
		return nil
	}
	started := false
	defer func() {
		if !started {
			leave()
		}
	}()
	path, name, dry, err := h.receiveUpload(w, r)
	if err != nil {
		e := model.AsError(err)
		var tooBig *http.MaxBytesError
		if errors.As(err, &tooBig) {
			e = model.Errorf(model.ETooLarge, "error.too_large", httpx.ByteSize(h.Config.MaxUploadBytes))
		}
		if e.Code == model.EInternal {
			return err
		}
		h.renderImport(w, r, httpx.Status(e.Code), string(kind), e)
		return nil
	}
	if dry {
		// Said on the import page itself, before a job starts.
		if err := h.Store.DryRunAllowed(r.Context()); err != nil {
			os.Remove(path)
			h.renderImport(w, r, httpx.Status(model.ErrorCode(err)), string(kind), model.AsError(err))
			return nil
		}
	}
	job, err := h.jobs.start(string(kind), p.UserID, dry)
	if err != nil {
		os.Remove(path)
		h.renderImport(w, r, http.StatusTooManyRequests, string(kind), model.AsError(err))
		return nil
	}
	ctx, cancel := context.WithTimeout(auth.WithPrincipal(context.WithoutCancel(r.Context()), p), jobMaxDuration)
	h.Log.InfoContext(r.Context(), "import started", "job", job.ID, "kind", kind, "user_id", p.UserID, "dry_run", dry)
	started = true
	go func() {
		defer leave()
		defer cancel()
		defer os.Remove(path)
		res, err := h.runImport(ctx, kind, path, name, dry, job.ID)
		h.jobs.finish(job.ID, res, err)
		if err != nil && model.ErrorCode(err) == model.EInternal {
			h.Log.ErrorContext(ctx, "import failed", "job", job.ID, "user_id", p.UserID, "err", err)
		} else {
			h.Log.InfoContext(ctx, "import finished", "job", job.ID, "user_id", p.UserID, "created", res.Created,
				"updated", res.Updated, "unchanged", res.Unchanged, "code", string(model.ErrorCode(err)))
		}
	}()
	return seeOther(w, r, "/import/jobs/"+job.ID)
}

// runImport imports the saved file; a panic in the importer becomes an
// internal error of the job rather than the end of the process.
func (h *handlers) runImport(ctx context.Context, kind importer.Kind, path, name string, dry bool, jobID string) (res model.ImportResult, err error) {
	defer func() {
		if p := recover(); p != nil {
			h.Log.ErrorContext(ctx, "import panicked", "job", jobID, "panic", p)
			err = model.Internal(errors.New("import panicked"))
		}
	}()
	f, err := os.Open(path)
	if err != nil {
		return res, model.Internal(err)
	}
	defer f.Close()
	opt := importer.Options{DryRun: dry, Progress: func(done, total int) { h.jobs.progress(jobID, done, total) }}
	if kind == importer.KindPeople {
		return importer.ImportPeople(ctx, h.Store, f, name, opt)
	}
	return importer.ImportFamilies(ctx, h.Store, f, name, opt)
}

// receiveUpload reads the multipart form: the dry_run box and the file,
// which is copied to a temporary file (mode 0600) capped at MaxUploadBytes.
// It returns the temporary path and the file's own name.
func (h *handlers) receiveUpload(w http.ResponseWriter, r *http.Request) (path, name string, dry bool, err error) {
	r.Body = http.MaxBytesReader(w, r.Body, h.Config.MaxUploadBytes+64<<10)
	mt, _, _ := mime.ParseMediaType(r.Header.Get("Content-Type"))
	if mt != "multipart/form-data" {
		return "", "", false, model.Errorf(model.EUnsupported, "error.unsupported_type", "multipart/form-data")
	}
	mr, err := r.MultipartReader()
	if err != nil {
		return "", "", false, model.Errorf(model.EInvalid, "web.import.no_file")
	}
	defer func() {
		if err != nil && path != "" {
			os.Remove(path)
			path = ""
		}
	}()
	for {
		part, perr := mr.NextPart()
		if perr == io.EOF {
			break
		}
		if perr != nil {
			return path, "", false, uploadError(perr)
		}
		switch {
		case part.FormName() == "dry_run":
			b, _ := io.ReadAll(io.LimitReader(part, 16))
			dry = string(b) == "1"
		case part.FormName() == "file" && part.FileName() != "" && path == "":
			name = part.FileName()
			tmp, terr := os.CreateTemp(tmpdir.From(r.Context()), "houdun-upload-*")
			if terr != nil {
				part.Close()
				return "", "", false, model.Internal(terr)
			}
			path = tmp.Name()
			n, cerr := io.Copy(tmp, io.LimitReader(part, h.Config.MaxUploadBytes+1))
			if err := tmp.Close(); cerr == nil {
				cerr = err
			}
			if cerr != nil {
				part.Close()
				return path, "", false, uploadError(cerr)
			}
			if n > h.Config.MaxUploadBytes {
				part.Close()
				return path, "", false, model.Errorf(model.ETooLarge, "error.too_large", httpx.ByteSize(h.Config.MaxUploadBytes))
			}
			if n == 0 {
				part.Close()
				return path, "", false, model.Errorf(model.EInvalid, "importer.empty_file")
			}
		}
		part.Close()
	}
	if path == "" {
		return "", "", false, model.Errorf(model.EInvalid, "web.import.no_file")
	}
	return path, name, dry, nil
}

func uploadError(err error) error {
	var tooBig *http.MaxBytesError
	if errors.As(err, &tooBig) {
		return err
	}
	return model.Errorf(model.EInvalid, "web.import.no_file")
}

// importJobView is the progress and result page of an import.
type importJobView struct {
	Page
	Job     importJob
	Percent int
	Rows    []importRowView
	Problem string
}

type importRowView struct {
	Row     int
	Column  string
	Message string
}

func (h *handlers) importJob(w http.ResponseWriter, r *http.Request) error {
	p, err := need(r, auth.PermPersonImport)
	if err != nil {
		return err
	}
	job, ok := h.jobs.get(r.PathValue("id"), p.UserID)
	if !ok {
		return model.NotFound("import")
	}
	v := &importJobView{Page: h.page(r, "web.import."+job.Kind+".title"), Job: job}
	v.Current = "import"
	if job.Running() {
		v.Refresh = 1
		if job.Total > 0 {
			v.Percent = job.Done * 100 / job.Total
		}
	} else if job.Err != nil {
		v.Problem = v.Msg(job.Err.Msg)
		for _, re := range job.Err.Rows {
			v.Rows = append(v.Rows, importRowView{Row: re.Row, Column: re.Column, Message: v.Msg(re.Msg)})
		}
	}
	h.render(w, r, http.StatusOK, "import_job", v)
	return nil
}
