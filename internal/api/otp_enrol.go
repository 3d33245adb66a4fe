package api

import (
	"net/http"
	"time"

	"houdun/internal/auth"
	"houdun/internal/httpx"
	"houdun/internal/model"
	"houdun/internal/store"
)

// An administrator without a browser enrols an authenticator through the
// API in two calls, the web login's two steps: the password step answers the
// key (shown once) with a pending token; the first code of the app confirms
// the key and opens a session, as POST /api/v1/session does.

type enrolmentResponse struct {
	Pending    string    `json:"pending"`
	Secret     string    `json:"secret"`
	OTPAuthURI string    `json:"otpauth_uri"`
	ExpiresAt  time.Time `json:"expires_at"`
}

type enrolmentConfirm struct {
	Pending string `json:"pending"`
	OTP     string `json:"otp"`
}

func (h *handlers) beginEnrolment(w http.ResponseWriter, r *http.Request) error {
	ip := httpx.ClientIP(r.Context())
	if !h.Login.Allow(ip) {
		return model.Errorf(model.ERateLimited, "error.rate_limited")
	}
	var req sessionRequest
	if err := httpx.DecodeJSON(w, r, &req, 4<<10); err != nil {
		return err
	}
	fe := model.FieldErrors{}
	if req.Username == "" {
		fe.Add("username", "field.required")
	}
	if req.Password == "" {
		fe.Add("password", "field.required")
	}
	if err := fe.Err(); err != nil {
		return err
	}
	res, err := h.Store.BeginLogin(r.Context(), store.Credentials{Username: req.Username, Password: req.Password, IP: ip, UserAgent: r.UserAgent()}, h.Config.Session)
	if err != nil {
		if c := model.ErrorCode(err); c == model.EUnauthenticated || c == model.ELocked {
			h.Login.Failed(ip)
		}
		return err
	}
	switch {
	case res.Token != "":
		// An account without a second factor was logged in by the password
		// step: that session is not what was asked for, so it ends here.
		if err := h.Store.Logout(auth.WithPrincipal(r.Context(), res.Principal)); err != nil {
			return err
		}
		return model.Errorf(model.EConflict, "otp.not_needed")
	case res.Step != store.StepEnrol:
		return model.Errorf(model.EConflict, "otp.already_enrolled")
	}
	pol := h.Config.Session.PendingFor
	if pol <= 0 {
		pol = store.DefaultSessionPolicy.PendingFor
	}
	httpx.WriteJSON(w, http.StatusCreated, enrolmentResponse{Pending: res.Pending, Secret: res.Key.Secret, OTPAuthURI: res.Key.URI,
		ExpiresAt: h.Store.Now().Add(pol).UTC()})
	return nil
}

func (h *handlers) confirmEnrolment(w http.ResponseWriter, r *http.Request) error {
	ip := httpx.ClientIP(r.Context())
	if !h.Login.Allow(ip) {
		return model.Errorf(model.ERateLimited, "error.rate_limited")
	}
	var req enrolmentConfirm
	if err := httpx.DecodeJSON(w, r, &req, 4<<10); err != nil {
		return err
	}
	if req.Pending == "" {
		return model.FieldErrors{"pending": model.M("field.required")}.Err()
	}
	token, p, err := h.Store.CompleteLogin(r.Context(), req.Pending, req.OTP, store.Credentials{IP: ip, UserAgent: r.UserAgent()}, h.Config.Session)
	if err != nil {
		if c := model.ErrorCode(err); c == model.EOTPInvalid || c == model.ELocked {
			h.Login.Failed(ip)
		}
		return err
	}
	httpx.SetSessionCookie(w, token, h.Config.SecureCookies)
	httpx.WriteJSON(w, http.StatusCreated, sessionResponse{Token: token, User: who(p)})
	return nil
}
