package api

import (
	"encoding/json"
	"log/slog"
	"net/http"
	"time"

	"github.com/fpgo/fpgo/internal/apperr"
)

// statusMessages are FPGO's status_message texts.
var statusMessages = map[int]string{
	200: "OK", 201: "OK", 202: "OK",
	400: "Conflict of Business Logic",
	401: "Unauthorized",
	404: "Not Found",
	405: "Method Not Allowed",
	409: "Conflict",
	413: "Payload Too Large",
	417: "Client Error",
	422: "Unprocessable Content",
	429: "Too Many Requests",
	500: "Internal Dependency Error",
	503: "Service Unavailable",
	510: "Execution Exception Occurred",
}

// httpStatus is the one place an error kind becomes an HTTP status.
func httpStatus(k apperr.Kind) int {
	switch k {
	case apperr.KindValidation:
		return 417
	case apperr.KindNotFound:
		return 404
	case apperr.KindConflict:
		return 400
	case apperr.KindUnauthorized:
		return 401
	case apperr.KindRateLimited:
		return 429
	case apperr.KindDependency:
		return 500
	case apperr.KindTooLarge:
		return 413
	case apperr.KindMethodNotAllowed:
		return 405
	case apperr.KindIdempotency:
		return 422
	case apperr.KindBusy:
		return 409
	}
	return 510
}

type successEnvelope struct {
	StatusCode    int    `json:"status_code"`
	StatusMessage string `json:"status_message"`
	Message       string `json:"message"`
	IsData        bool   `json:"is_data"`
	Data          any    `json:"data"`
	MetaData      *meta  `json:"metaData,omitempty"`
	Links         *links `json:"links,omitempty"`
}

type errorEnvelope struct {
	StatusCode    int    `json:"status_code"`
	StatusMessage string `json:"status_message"`
	Message       string `json:"message"`
	IsError       bool   `json:"is_error"`
	Errors        any    `json:"errors"`
}

type meta struct {
	Total       int `json:"total"`
	PerPage     int `json:"perPage"`
	CurrentPage int `json:"currentPage"`
	LastPage    int `json:"lastPage"`
}

type links struct {
	Previous *string `json:"previous"`
	Next     *string `json:"next"`
}

func writeJSON(w http.ResponseWriter, status int, v any) {
	b, err := json.Marshal(v)
	if err != nil {
		status = 510
		b = []byte(`{"status_code":510,"status_message":"Execution Exception Occurred","message":"somethingWentWrong","is_error":true,"errors":[]}`)
	}
	w.Header().Set("Content-Type", "application/json")
	w.WriteHeader(status)
	_, _ = w.Write(b)
}

// ok writes a success envelope. isData follows the seeds, which say false for some endpoints
// that still return data.
func ok(w http.ResponseWriter, status int, message string, isData bool, data any) {
	writeJSON(w, status, successEnvelope{StatusCode: status, StatusMessage: statusMessages[status], Message: message, IsData: isData, Data: data})
}

// fail writes the error envelope for err. Unexpected errors are logged with the request id and
// answered without detail.
func fail(w http.ResponseWriter, r *http.Request, err error) {
	e := apperr.As(err)
	status := httpStatus(e.Kind)
	switch {
	case status == 404:
		// Exactly what FPGO returns for a missing resource.
		writeJSON(w, 404, successEnvelope{StatusCode: 404, StatusMessage: "Not Found", Message: e.Key, IsData: false, Data: nil})
		return
	case status >= 500:
		logger(r).Error("request failed", "status", status, "key", e.Key, "err", e.Error())
	}
	var errs any = []string{}
	switch {
	case len(e.Messages) > 0:
		errs = e.Messages
	case status == 500:
		errs = map[string]any{"happenedAt": time.Now().UTC().Format(time.RFC3339), "internalErrorDetails": []string{}}
	case status == 400:
		errs = nil
	}
	writeJSON(w, status, errorEnvelope{StatusCode: status, StatusMessage: statusMessages[status], Message: e.Key, IsError: true, Errors: errs})
}

func logger(r *http.Request) *slog.Logger {
	if l, okk := r.Context().Value(loggerKey{}).(*slog.Logger); okk {
		return l
	}
	return slog.Default()
}

type loggerKey struct{}
