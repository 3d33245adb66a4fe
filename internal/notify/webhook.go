package notify

import (
	"bytes"
	"context"
	"crypto/hmac"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/url"
	"strconv"
	"time"

	"houdun/internal/model"
)

// Headers of a webhook delivery.
const (
	HeaderEvent     = "X-Houdun-Event"
	HeaderDelivery  = "X-Houdun-Delivery"
	HeaderTimestamp = "X-Houdun-Timestamp"
	HeaderSignature = "X-Houdun-Signature"
)

// ClientTimeout bounds one webhook attempt: connecting, sending and the answer.
const ClientTimeout = 10 * time.Second

// maxRedirects is how many same-host redirects a delivery follows.
const maxRedirects = 3

// NewClient returns the HTTP client of the delivery worker: ClientTimeout per
// attempt, redirects followed only to the same scheme and host (at most 3),
// and, unless allowPrivate, no connection to a loopback, link-local, private
// or metadata address (destination.go).
func NewClient(allowPrivate bool) *http.Client {
	return &http.Client{
		Timeout:   ClientTimeout,
		Transport: guardedTransport(allowPrivate),
		CheckRedirect: func(req *http.Request, via []*http.Request) error {
			first := via[0].URL
			if req.URL.Scheme != first.Scheme || req.URL.Host != first.Host {
				return errRedirect
			}
			if len(via) > maxRedirects {
				return errors.New("too many redirects")
			}
			return nil
		},
	}
}

var errRedirect = errors.New("redirect to another host refused")

// Sign returns the X-Houdun-Signature value of body sent at timestamp (the
// X-Houdun-Timestamp value): "sha256=" and the hex HMAC-SHA256 of
// timestamp + "." + body under secret.
func Sign(secret, timestamp string, body []byte) string {
	mac := hmac.New(sha256.New, []byte(secret))
	mac.Write([]byte(timestamp))
	mac.Write([]byte{'.'})
	mac.Write(body)
	return "sha256=" + hex.EncodeToString(mac.Sum(nil))
}

// Verify is what a receiver written in Go does with a delivery: it checks
// the signature in constant time and that the timestamp lies within
// tolerance of now. The delivery id is for the receiver to remember.
func Verify(secret string, h http.Header, body []byte, now time.Time, tolerance time.Duration) error {
	ts := h.Get(HeaderTimestamp)
	sec, err := strconv.ParseInt(ts, 10, 64)
	if err != nil {
		return errors.New("notify: missing or malformed timestamp")
	}
	if d := now.Sub(time.Unix(sec, 0)); d > tolerance || d < -tolerance {
		return errors.New("notify: timestamp out of tolerance")
	}
	if !hmac.Equal([]byte(h.Get(HeaderSignature)), []byte(Sign(secret, ts, body))) {
		return errors.New("notify: bad signature")
	}
	return nil
}

// checkURL refuses what the worker must never post to: other schemes and
// URLs with credentials (the store refuses them too; a row changed behind
// its back is refused here again).
func checkURL(raw string) (*url.URL, error) {
	u, err := url.Parse(raw)
	if err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" {
		return nil, permanent{errors.New("url refused: only absolute http and https URLs")}
	}
	if u.User != nil {
		return nil, permanent{errors.New("url refused: it carries credentials")}
	}
	return u, nil
}

// post sends one webhook delivery; nil means the receiver answered 2xx.
func (d *Deliverer) post(ctx context.Context, dl model.Delivery) error {
	u, err := checkURL(dl.URL)
	if err != nil {
		return err
	}
	body := []byte(dl.Payload)
	ts := strconv.FormatInt(d.now().Unix(), 10)
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, u.String(), bytes.NewReader(body))
	if err != nil {
		return permanent{fmt.Errorf("request: %w", err)}
	}
	req.Header.Set("Content-Type", "application/json")
	req.Header.Set("User-Agent", "houdun-webhook/1")
	req.Header.Set(HeaderEvent, dl.Event)
	req.Header.Set(HeaderDelivery, strconv.FormatInt(dl.ID, 10))
	req.Header.Set(HeaderTimestamp, ts)
	req.Header.Set(HeaderSignature, Sign(dl.Secret, ts, body))
	resp, err := d.client().Do(req)
	if err != nil {
		return describe(err)
	}
	defer resp.Body.Close()
	io.Copy(io.Discard, io.LimitReader(resp.Body, 64<<10))
	if resp.StatusCode < 200 || resp.StatusCode > 299 {
		return fmt.Errorf("HTTP %d", resp.StatusCode)
	}
	return nil
}

// describe shortens a client error to its cause, without the URL (which
// may carry a receiver's token in its query).
func describe(err error) error {
	var ue *url.Error
	if errors.As(err, &ue) {
		if ue.Timeout() {
			return errors.New("timeout: no answer in time")
		}
		if errors.Is(ue.Err, errRedirect) {
			return errRedirect
		}
		if errors.Is(ue.Err, errDestination) {
			return errDestination
		}
		var ne net.Error
		if errors.As(ue.Err, &ne) {
			return ne
		}
		return ue.Err
	}
	return err
}
