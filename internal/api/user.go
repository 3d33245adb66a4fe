package api

import (
	"net/http"

	"houdun/internal/httpx"
	"houdun/internal/model"
)

func (h *handlers) listUsers(w http.ResponseWriter, r *http.Request) error {
	page, err := httpx.Page(r)
	if err != nil {
		return err
	}
	q := r.URL.Query()
	list, err := h.Store.ListUsers(r.Context(), model.UserFilter{Q: q.Get("q"), Role: q.Get("role"), Page: page})
	if err != nil {
		return err
	}
	httpx.WriteJSON(w, http.StatusOK, list)
	return nil
}

func (h *handlers) getUser(w http.ResponseWriter, r *http.Request) error {
	id, err := httpx.PathID(r, "id")
	if err != nil {
		return err
	}
	u, err := h.Store.GetUser(r.Context(), id)
	if err != nil {
		return err
	}
	httpx.WriteJSON(w, http.StatusOK, u)
	return nil
}

func (h *handlers) createUser(w http.ResponseWriter, r *http.Request) error {
	var in model.UserInput
	if err := httpx.DecodeJSON(w, r, &in, h.Config.MaxBodyBytes); err != nil {
		return err
	}
	u, err := h.Store.CreateUser(r.Context(), in)
	if err != nil {
		return err
	}
	httpx.WriteJSON(w, http.StatusCreated, u)
	return nil
}

func (h *handlers) updateUser(w http.ResponseWriter, r *http.Request) error {
	id, err := httpx.PathID(r, "id")
	if err != nil {
		return err
	}
	var in model.UserInput
	if err := httpx.DecodeJSON(w, r, &in, h.Config.MaxBodyBytes); err != nil {
		return err
	}
	u, err := h.Store.UpdateUser(r.Context(), id, in)
	if err != nil {
		return err
	}
	httpx.WriteJSON(w, http.StatusOK, u)
	return nil
}

// otpReset is the body of an authenticator reset: one's own needs its current code.
type otpReset struct {
	OTP string `json:"otp"`
}

// resetOTP removes an account's authenticator: the security administrator's
// for accounts in scope, anyone's own with a current code.
func (h *handlers) resetOTP(w http.ResponseWriter, r *http.Request) error {
	id, err := httpx.PathID(r, "id")
	if err != nil {
		return err
	}
	var in otpReset
	if r.ContentLength != 0 {
		if err := httpx.DecodeJSON(w, r, &in, 4<<10); err != nil {
			return err
		}
	}
	err = h.Store.ResetOTP(r.Context(), id, in.OTP, h.Config.Session)
	if c := model.ErrorCode(err); c == model.EOTPInvalid || c == model.ELocked {
		h.Login.Failed(httpx.ClientIP(r.Context()))
	}
	if err != nil {
		return err
	}
	w.WriteHeader(http.StatusNoContent)
	return nil
}
