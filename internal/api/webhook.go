package api

import (
	"net/http"
	"strconv"

	"houdun/internal/auth"
	"houdun/internal/httpx"
	"houdun/internal/model"
	"houdun/internal/notify"
)

// Webhooks and their deliveries, managed by the sysadmin. A webhook's secret
// is shown once, in the answer of the create (or of an update that replaces it).

// webhookList is the list of every webhook.
type webhookList struct {
	Items []model.Webhook `json:"items"`
	Total int             `json:"total"`
}

func (h *handlers) listWebhooks(w http.ResponseWriter, r *http.Request) error {
	list, err := h.Store.ListWebhooks(r.Context())
	if err != nil {
		return err
	}
	httpx.WriteJSON(w, http.StatusOK, webhookList{Items: list, Total: len(list)})
	return nil
}

func (h *handlers) getWebhook(w http.ResponseWriter, r *http.Request) error {
	id, err := httpx.PathID(r, "id")
	if err != nil {
		return err
	}
	hook, err := h.Store.GetWebhook(r.Context(), id)
	if err != nil {
		return err
	}
	httpx.WriteJSON(w, http.StatusOK, hook)
	return nil
}

func (h *handlers) createWebhook(w http.ResponseWriter, r *http.Request) error {
	var in model.WebhookInput
	if err := httpx.DecodeJSON(w, r, &in, h.Config.MaxBodyBytes); err != nil {
		return err
	}
	if err := h.checkDestination(r, in); err != nil {
		return err
	}
	hook, err := h.Store.CreateWebhook(r.Context(), in)
	if err != nil {
		return err
	}
	w.Header().Set("Location", "/api/v1/webhooks/"+strconv.FormatInt(hook.ID, 10))
	httpx.WriteJSON(w, http.StatusCreated, hook)
	return nil
}

// checkDestination refuses a webhook URL to a loopback, link-local, private
// or metadata address unless HOUDUN_WEBHOOK_ALLOW_PRIVATE allows them; the
// delivery's dialer checks the resolved addresses again. Callers who may not
// manage webhooks get their 403 from the store.
func (h *handlers) checkDestination(r *http.Request, in model.WebhookInput) error {
	if p := auth.FromContext(r.Context()); p == nil || !p.Can(auth.PermWebhookManage) || in.URL == nil {
		return nil
	}
	return notify.CheckDestination(*in.URL, h.Config.WebhookAllowPrivate)
}

func (h *handlers) updateWebhook(w http.ResponseWriter, r *http.Request) error {
	id, err := httpx.PathID(r, "id")
	if err != nil {
		return err
	}
	var in model.WebhookInput
	if err := httpx.DecodeJSON(w, r, &in, h.Config.MaxBodyBytes); err != nil {
		return err
	}
	if err := h.checkDestination(r, in); err != nil {
		return err
	}
	hook, err := h.Store.UpdateWebhook(r.Context(), id, in)
	if err != nil {
		return err
	}
	httpx.WriteJSON(w, http.StatusOK, hook)
	return nil
}

func (h *handlers) deleteWebhook(w http.ResponseWriter, r *http.Request) error {
	id, err := httpx.PathID(r, "id")
	if err != nil {
		return err
	}
	version, err := versionParam(r)
	if err != nil {
		return err
	}
	if err := h.Store.DeleteWebhook(r.Context(), id, version); err != nil {
		return err
	}
	w.WriteHeader(http.StatusNoContent)
	return nil
}

// listDeliveries lists the deliveries of one webhook: status and paging.
func (h *handlers) listDeliveries(w http.ResponseWriter, r *http.Request) error {
	id, err := httpx.PathID(r, "id")
	if err != nil {
		return err
	}
	f := model.DeliveryFilter{WebhookID: id}
	if f.Status, err = queryChoice(r, "status", []string{model.DeliveryPending, model.DeliveryDelivered, model.DeliveryFailed}); err != nil {
		return err
	}
	if f.Page, err = httpx.Page(r); err != nil {
		return err
	}
	// A webhook that does not exist answers 404, not an empty list.
	if _, err := h.Store.GetWebhook(r.Context(), id); err != nil {
		return err
	}
	list, err := h.Store.ListDeliveries(r.Context(), f)
	if err != nil {
		return err
	}
	httpx.WriteJSON(w, http.StatusOK, list)
	return nil
}
