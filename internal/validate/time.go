package validate

import (
	"encoding/json"
	"strconv"
	"strings"
	"time"
)

// maxUnix is 9999-12-31T23:59:59Z; larger timestamps are rejected.
const maxUnix = 253402300799

var monthAbbr = map[string]time.Month{
	"jan": time.January, "feb": time.February, "mar": time.March,
	"apr": time.April, "may": time.May, "jun": time.June,
	"jul": time.July, "aug": time.August, "sep": time.September,
	"oct": time.October, "nov": time.November, "dec": time.December,
}

// ParseTime accepts a Unix timestamp in seconds as a JSON number or numeric
// string, with an optional fraction ("1677047770.652"), or a "d M, Y" date
// such as "5 Dec, 2023" or "05 Dec, 2023" (English month abbreviations,
// case-insensitive), which yields midnight in loc. Negative timestamps,
// exponents and impossible dates ("31 Feb, 2023") are rejected. A nil loc
// means UTC. Go int, int64 and float64 values are accepted too.
func ParseTime(v any, loc *time.Location) (time.Time, bool) {
	if loc == nil {
		loc = time.UTC
	}
	var s string
	switch x := v.(type) {
	case json.Number:
		s = string(x)
	case string:
		s = strings.TrimSpace(x)
	case int:
		return unixTime(int64(x), 0, loc)
	case int64:
		return unixTime(x, 0, loc)
	case float64:
		if x != x || x < 0 || x > maxUnix {
			return time.Time{}, false
		}
		sec := int64(x)
		return unixTime(sec, int64((x-float64(sec))*1e9), loc)
	default:
		return time.Time{}, false
	}
	if s == "" {
		return time.Time{}, false
	}
	if s[0] >= '0' && s[0] <= '9' {
		if t, ok := parseUnixText(s, loc); ok {
			return t, true
		}
	}
	return parseDayMonthYear(s, loc)
}

func unixTime(sec, nsec int64, loc *time.Location) (time.Time, bool) {
	if sec < 0 || sec > maxUnix {
		return time.Time{}, false
	}
	return time.Unix(sec, nsec).In(loc), true
}

// parseUnixText parses "123" or "123.456" (digits only, no sign or exponent).
func parseUnixText(s string, loc *time.Location) (time.Time, bool) {
	intPart, frac, hasDot := strings.Cut(s, ".")
	if intPart == "" || !allDigits(intPart) || (hasDot && (frac == "" || !allDigits(frac))) {
		return time.Time{}, false
	}
	sec, err := strconv.ParseInt(intPart, 10, 64)
	if err != nil {
		return time.Time{}, false
	}
	var nsec int64
	if frac != "" {
		if len(frac) > 9 {
			frac = frac[:9]
		}
		frac += strings.Repeat("0", 9-len(frac))
		nsec, _ = strconv.ParseInt(frac, 10, 64)
	}
	return unixTime(sec, nsec, loc)
}

// parseDayMonthYear parses "d M, Y": one or two day digits, a space, a
// three-letter English month abbreviation, a comma, a space, four year digits.
func parseDayMonthYear(s string, loc *time.Location) (time.Time, bool) {
	dayText, rest, ok := strings.Cut(s, " ")
	if !ok || len(dayText) < 1 || len(dayText) > 2 || !allDigits(dayText) {
		return time.Time{}, false
	}
	if len(rest) != 9 || rest[3] != ',' || rest[4] != ' ' {
		return time.Time{}, false
	}
	month, ok := monthAbbr[strings.ToLower(rest[:3])]
	if !ok {
		return time.Time{}, false
	}
	yearText := rest[5:]
	if !allDigits(yearText) {
		return time.Time{}, false
	}
	day, _ := strconv.Atoi(dayText)
	year, _ := strconv.Atoi(yearText)
	t := time.Date(year, month, day, 0, 0, 0, 0, loc)
	if day < 1 || t.Day() != day || t.Month() != month || t.Year() != year {
		return time.Time{}, false
	}
	return t, true
}
