package validate

import (
	"encoding/json"
	"testing"
	"time"
)

func TestParseTime(t *testing.T) {
	oslo := mustOslo(t)
	cases := []struct {
		name string
		in   any
		want time.Time
	}{
		{"unix string", "1703040812", time.Unix(1703040812, 0)},
		{"unix number", json.Number("1703040812"), time.Unix(1703040812, 0)},
		{"unix string padded", " 1703040812 ", time.Unix(1703040812, 0)},
		{"fractional string", "1677047770.652", time.Unix(1677047770, 652000000)},
		{"fractional number", json.Number("1677047770.652"), time.Unix(1677047770, 652000000)},
		{"fraction beyond ns truncated", "1.1234567899", time.Unix(1, 123456789)},
		{"zero", "0", time.Unix(0, 0)},
		{"go int", 1703040812, time.Unix(1703040812, 0)},
		{"go int64", int64(1703040812), time.Unix(1703040812, 0)},
		{"go float", 1.5, time.Unix(1, 500000000)},
		{"d M, Y", "5 Dec, 2023", time.Date(2023, 12, 5, 0, 0, 0, 0, oslo)},
		{"dd M, Y", "05 Dec, 2023", time.Date(2023, 12, 5, 0, 0, 0, 0, oslo)},
		{"month case-insensitive", "1 jan, 2024", time.Date(2024, 1, 1, 0, 0, 0, 0, oslo)},
		{"leap day", "29 Feb, 2024", time.Date(2024, 2, 29, 0, 0, 0, 0, oslo)},
		{"summer", "30 Jun, 2023", time.Date(2023, 6, 30, 0, 0, 0, 0, oslo)},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			got, ok := ParseTime(c.in, oslo)
			if !ok {
				t.Fatalf("ParseTime(%#v) failed", c.in)
			}
			if !got.Equal(c.want) {
				t.Fatalf("ParseTime(%#v) = %v, want %v", c.in, got, c.want)
			}
			if got.Location() != oslo {
				t.Fatalf("location = %v, want Europe/Oslo", got.Location())
			}
		})
	}
	// "5 Dec, 2023" is midnight in Oslo, i.e. 23:00 UTC the day before.
	got, _ := ParseTime("5 Dec, 2023", oslo)
	if got.UTC() != time.Date(2023, 12, 4, 23, 0, 0, 0, time.UTC) {
		t.Fatalf("Oslo midnight in UTC = %v", got.UTC())
	}
	if got, ok := ParseTime("5 Dec, 2023", nil); !ok || got != time.Date(2023, 12, 5, 0, 0, 0, 0, time.UTC) {
		t.Fatalf("nil loc = %v, %v; want UTC midnight", got, ok)
	}
}

func TestParseTimeRejects(t *testing.T) {
	for _, in := range []any{
		"abc", "", "   ", "31 Foo, 2023", "31 Feb, 2023", "0 Dec, 2023", "32 Dec, 2023", "5 Dec 2023", "5 December, 2023",
		"5 Dec, 23", "005 Dec, 2023", "5  Dec, 2023", "Dec 5, 2023", "2023-12-05",
		"-1", json.Number("-1703040812"), -5, -1.5, "1.", "1.5.5", "1e9", json.Number("1e9"), "+5", "0x10",
		"99999999999999999999", "253402300800",
		nil, true, []any{"1"}, map[string]any{},
	} {
		if got, ok := ParseTime(in, time.UTC); ok {
			t.Errorf("ParseTime(%#v) = %v, want rejection", in, got)
		}
	}
}
