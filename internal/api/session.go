package api

import (
	"net/http"

	"houdun/internal/auth"
	"houdun/internal/httpx"
	"houdun/internal/model"
	"houdun/internal/store"
)

type sessionRequest struct {
	Username string `json:"username"`
	Password string `json:"password"`
	// OTP is an administrator's current authenticator code.
	OTP string `json:"otp,omitempty"`
}

type sessionResponse struct {
	Token string     `json:"token,omitempty"`
	User  sessionWho `json:"user"`
}

type sessionWho struct {
	ID            int64  `json:"id"`
	Username      string `json:"username"`
	Role          string `json:"role"`
	RegionCode    string `json:"region_code,omitempty"`
	InstitutionID int64  `json:"institution_id,omitempty"`
	PersonID      int64  `json:"person_id,omitempty"`
}

func who(p *auth.Principal) sessionWho {
	return sessionWho{ID: p.UserID, Username: p.Username, Role: p.Role, RegionCode: p.RegionCode, InstitutionID: p.InstitutionID, PersonID: p.PersonID}
}

func (h *handlers) createSession(w http.ResponseWriter, r *http.Request) error {
	ip := httpx.ClientIP(r.Context())
	if !h.Login.Allow(ip) {
		return model.Errorf(model.ERateLimited, "error.rate_limited")
	}
	var req sessionRequest
	if err := httpx.DecodeJSON(w, r, &req, 4<<10); err != nil {
		return err
	}
	if req.Username == "" || req.Password == "" {
		fe := model.FieldErrors{}
		if req.Username == "" {
			fe.Add("username", "field.required")
		}
		if req.Password == "" {
			fe.Add("password", "field.required")
		}
		return fe.Err()
	}
	token, p, err := h.Store.Login(r.Context(), store.Credentials{Username: req.Username, Password: req.Password, OTP: req.OTP,
		IP: ip, UserAgent: r.UserAgent()}, h.Config.Session)
	if err != nil {
		if c := model.ErrorCode(err); c == model.EUnauthenticated || c == model.ELocked || c == model.EOTPInvalid {
			h.Login.Failed(ip)
		}
		return err
	}
	httpx.SetSessionCookie(w, token, h.Config.SecureCookies)
	httpx.WriteJSON(w, http.StatusCreated, sessionResponse{Token: token, User: who(p)})
	return nil
}

func (h *handlers) getSession(w http.ResponseWriter, r *http.Request) error {
	p, _ := httpx.Require(r)
	httpx.WriteJSON(w, http.StatusOK, sessionResponse{User: who(p)})
	return nil
}

func (h *handlers) deleteSession(w http.ResponseWriter, r *http.Request) error {
	if err := h.Store.Logout(r.Context()); err != nil {
		return err
	}
	httpx.ClearSessionCookie(w, h.Config.SecureCookies)
	w.WriteHeader(http.StatusNoContent)
	return nil
}

// changePassword changes the caller's own password; their other sessions end.
func (h *handlers) changePassword(w http.ResponseWriter, r *http.Request) error {
	ip := httpx.ClientIP(r.Context())
	if !h.Login.Allow(ip) {
		return model.Errorf(model.ERateLimited, "error.rate_limited")
	}
	var in model.PasswordChange
	if err := httpx.DecodeJSON(w, r, &in, 4<<10); err != nil {
		return err
	}
	if err := h.Store.ChangePassword(r.Context(), in, h.Config.Session); err != nil {
		if e := model.AsError(err); e.Code == model.ELocked || e.Fields["current_password"].Key == "password.wrong_current" {
			h.Login.Failed(ip)
		}
		return err
	}
	w.WriteHeader(http.StatusNoContent)
	return nil
}

func notFoundPage() error { return model.NotFound("page") }
