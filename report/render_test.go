package report

import (
	"bytes"
	"encoding/xml"
	"errors"
	"io"
	"math"
	"regexp"
	"slices"
	"strings"
	"testing"

	"golang.org/x/net/html"
)

// render renders r and parses the page, failing the test on either error.
func render(t testing.TB, r *Report) (string, *html.Node) {
	t.Helper()
	var buf bytes.Buffer
	if err := Render(&buf, r); err != nil {
		t.Fatal(err)
	}
	doc, err := html.Parse(bytes.NewReader(buf.Bytes()))
	if err != nil {
		t.Fatal(err)
	}
	return buf.String(), doc
}

// walk calls f on every element under n.
func walk(n *html.Node, f func(*html.Node)) {
	if n.Type == html.ElementNode {
		f(n)
	}
	for c := n.FirstChild; c != nil; c = c.NextSibling {
		walk(c, f)
	}
}

func attr(n *html.Node, key string) (string, bool) {
	for _, a := range n.Attr {
		if a.Key == key {
			return a.Val, true
		}
	}
	return "", false
}

// textOf is the text of the page, entities decoded.
func textOf(n *html.Node) string {
	var b strings.Builder
	var rec func(*html.Node)
	rec = func(n *html.Node) {
		if n.Type == html.TextNode {
			b.WriteString(n.Data)
			b.WriteByte(' ')
		}
		for c := n.FirstChild; c != nil; c = c.NextSibling {
			rec(c)
		}
	}
	rec(n)
	return b.String()
}

// chartNames lists the data-chart of every figure.chart, in page order.
func chartNames(doc *html.Node) []string {
	var names []string
	walk(doc, func(n *html.Node) {
		if v, ok := attr(n, "data-chart"); ok && n.Data == "figure" {
			names = append(names, v)
		}
	})
	return names
}

func TestRender_SampleHasEveryChartOnce(t *testing.T) {
	_, doc := render(t, sampleReport())
	got := chartNames(doc)
	slices.Sort(got)
	want := slices.Sorted(slices.Values(reportCharts))
	if !slices.Equal(got, want) {
		t.Errorf("charts = %v\nwant     %v", got, want)
	}
	var sections []string
	walk(doc, func(n *html.Node) {
		if n.Data == "section" {
			id, _ := attr(n, "id")
			sections = append(sections, id)
		}
	})
	if want := []string{"run", "quality", "matching", "funnel", "accounts"}; !slices.Equal(sections, want) {
		t.Errorf("sections = %v, want %v", sections, want)
	}
}

func TestRender_EscapesUserData(t *testing.T) {
	page, doc := render(t, sampleReport())
	if strings.Contains(page, hostileLabel) {
		t.Error("a label reached the page as raw markup")
	}
	if !strings.Contains(page, "&lt;script&gt;window.pwned = 1&lt;/script&gt;") {
		t.Error("the hostile label is not on the page as escaped text")
	}
	walk(doc, func(n *html.Node) {
		if n.Data == "script" {
			t.Error("the page has a <script> element")
		}
		for _, a := range n.Attr {
			if strings.HasPrefix(a.Key, "on") {
				t.Errorf("<%s> has an event handler %s", n.Data, a.Key)
			}
		}
	})
}

func TestRender_IsSelfContained(t *testing.T) {
	page, doc := render(t, sampleReport())
	walk(doc, func(n *html.Node) {
		for _, key := range []string{"src", "href"} {
			if v, ok := attr(n, key); ok && !strings.HasPrefix(v, "#") && !strings.HasPrefix(v, "data:") {
				t.Errorf("<%s %s=%q> points outside the page", n.Data, key, v)
			}
		}
	})
	if strings.Contains(page, "@import") || strings.Contains(page, "url(") {
		t.Error("the CSS loads something")
	}
}

func TestRender_CountsAreTextAndAttributes(t *testing.T) {
	page, doc := render(t, sampleReport())
	for _, want := range []string{"1,284,311", "14,309", "903,118", "622,554", "12,001", "41,207", "4,210,337"} {
		if !strings.Contains(page, ">"+want) {
			t.Errorf("page lacks the text %s", want)
		}
	}
	metrics := map[string]string{}
	bars := map[string]map[string]string{}
	var chart string
	walk(doc, func(n *html.Node) {
		if v, ok := attr(n, "data-chart"); ok {
			chart = v
		}
		if m, ok := attr(n, "data-metric"); ok {
			metrics[m], _ = attr(n, "data-value")
		}
		if l, ok := attr(n, "data-label"); ok && n.Data == "g" {
			if bars[chart] == nil {
				bars[chart] = map[string]string{}
			}
			bars[chart][l], _ = attr(n, "data-value")
		}
	})
	for m, want := range map[string]string{
		"rows-read": "1284311", "rows-staged": "1270002", "rows-rejected": "14309", "entities": "903118",
		"contacts": "903118", "mqls": "41207", "sla-due-24h": "1212", "sla-due-72h": "3480",
		"accounts": "41002", "contacts-matched": "702001", "incremental": "1", "warnings": "2",
	} {
		if metrics[m] != want {
			t.Errorf("data-metric=%s data-value = %q, want %q", m, metrics[m], want)
		}
	}
	for _, c := range []struct{ chart, label, value string }{
		{"lead-ranks", "1A", "4012"}, {"lead-ranks", "3A", "0"}, {"lead-ranks", "3C", "622554"},
		{"funnel-stages", "MQL", "41207"}, {"rejects", "malformed_row", "2307"}, {"rejects", "encoding", "1"},
	} {
		if got := bars[c.chart][c.label]; got != c.value {
			t.Errorf("%s bar %s data-value = %q, want %q", c.chart, c.label, got, c.value)
		}
	}
}

func TestRender_EmptyReportSaysNoData(t *testing.T) {
	for name, r := range map[string]*Report{"nil": nil, "zero": {}, "empty sections": {
		Matching: &MatchSection{}, Funnel: &FunnelSection{}, Accounts: &AccountSection{},
	}} {
		t.Run(name, func(t *testing.T) {
			page, doc := render(t, r)
			if got := chartNames(doc); len(got) != 0 {
				t.Errorf("an empty report draws charts %v", got)
			}
			if n := strings.Count(page, `class="nodata"`); n < 8 {
				t.Errorf("%d no-data notes, want one per empty part", n)
			}
			if r == nil || r.Matching == nil {
				for _, want := range []string{"No matching data", "No funnel data", "No account data", "No input data"} {
					if !strings.Contains(page, want) {
						t.Errorf("page lacks %q", want)
					}
				}
			}
		})
	}
}

// nonFinite is the sample with every float it can hold set to NaN or ±Inf.
func nonFinite() *Report {
	r := sampleReport()
	nan, inf := math.NaN(), math.Inf(1)
	r.Quality.Completeness = [][]float64{{nan, inf, -inf}, {0.5}}
	for i := range r.Quality.Profiles {
		r.Quality.Profiles[i].Completeness = nan
	}
	m := r.Matching
	m.Prior, m.PriorWeight, m.ThresholdWeight, m.ThresholdProb = nan, -inf, nan, inf
	m.Comparisons[0].Levels[1].Weight = -inf
	m.Comparisons[1].Levels[1].Weight = nan
	m.Histogram = append(m.Histogram, Bin{Lo: inf, Hi: nan, N: 5}, Bin{Lo: -inf, Hi: 0, N: 7})
	m.Training[0].Deltas = []float64{nan, inf, -1, 0}
	m.Eval.Precision, m.Eval.Curve = nan, []PRPoint{{nan, nan, inf}, {1, 0.5, 0.5}}
	return r
}

var badNumber = regexp.MustCompile(`(?i)nan|inf`)

// checkSVG asserts every SVG on the page is well-formed XML and that no
// attribute holds a non-number.
func checkSVG(t *testing.T, page string) {
	t.Helper()
	for i, rest := 0, page; ; i++ {
		start := strings.Index(rest, "<svg")
		if start < 0 {
			break
		}
		end := strings.Index(rest[start:], "</svg>")
		if end < 0 {
			t.Fatal("an <svg> is not closed")
		}
		svg := rest[start : start+end+len("</svg>")]
		rest = rest[start+end:]
		d := xml.NewDecoder(strings.NewReader(svg))
		for {
			tok, err := d.Token()
			if errors.Is(err, io.EOF) {
				break
			}
			if err != nil {
				t.Fatalf("svg %d is not well-formed: %v", i, err)
			}
			if el, ok := tok.(xml.StartElement); ok {
				for _, a := range el.Attr {
					if a.Name.Local != "aria-label" && a.Name.Local != "data-label" && a.Name.Local != "class" && badNumber.MatchString(a.Value) {
						t.Errorf("svg %d: <%s %s=%q>", i, el.Name.Local, a.Name.Local, a.Value)
					}
				}
			}
		}
	}
}

func TestRender_NonFiniteValuesKeepSVGValid(t *testing.T) {
	page, _ := render(t, nonFinite())
	checkSVG(t, page)
	page, _ = render(t, sampleReport())
	checkSVG(t, page)
}

func TestRenderWaterfall_StepsAndProbability(t *testing.T) {
	var buf bytes.Buffer
	if err := RenderWaterfall(&buf, sampleWaterfall()); err != nil {
		t.Fatal(err)
	}
	page := buf.String()
	doc, err := html.Parse(strings.NewReader(page))
	if err != nil {
		t.Fatal(err)
	}
	if got := chartNames(doc); !slices.Equal(got, []string{"waterfall"}) {
		t.Errorf("charts = %v, want [waterfall]", got)
	}
	text := textOf(doc)
	for _, want := range []string{"company_name_with_a_long_label", "+16.490", "-1.740", "+6.420", "0.9885"} {
		if !strings.Contains(text, want) {
			t.Errorf("page lacks %q", want)
		}
	}
	if strings.Contains(page, hostileLabel) {
		t.Error("a record id reached the page as raw markup")
	}
	checkSVG(t, page)

	buf.Reset()
	if err := RenderWaterfall(&buf, Waterfall{PriorWeight: math.NaN(), MatchWeight: math.Inf(-1), Probability: math.NaN()}); err != nil {
		t.Fatal(err)
	}
	checkSVG(t, buf.String())
}

func TestFmtInt(t *testing.T) {
	for _, c := range []struct {
		n    int64
		want string
	}{
		{0, "0"}, {7, "7"}, {999, "999"}, {1000, "1,000"}, {12345, "12,345"}, {1234567, "1,234,567"},
		{-1, "-1"}, {-1234, "-1,234"}, {-123456, "-123,456"}, {math.MaxInt64, "9,223,372,036,854,775,807"},
	} {
		if got := fmtInt(c.n); got != c.want {
			t.Errorf("fmtInt(%d) = %q, want %q", c.n, got, c.want)
		}
	}
}

func TestNiceRange_RoundEndsAndTicks(t *testing.T) {
	for _, c := range []struct {
		lo, hi         float64
		wantLo, wantHi float64
		wantTicks      int
	}{
		{0, 1, 0, 1, 6},
		{0, 5000, 0, 5000, 6},
		{0, 5001, 0, 6000, 7},
		{0, 1_000_000, 0, 1_000_000, 6},
		{-10.12, 7.73, -15, 10, 6},
		{0, 0, 0, 1, 6},
		{math.NaN(), math.Inf(1), 0, 1, 6},
	} {
		lo, hi, ticks := niceRange(c.lo, c.hi, 4, true)
		if lo != c.wantLo || hi != c.wantHi || len(ticks) != c.wantTicks {
			t.Errorf("niceRange(%v, %v) = %v, %v, %v; want %v, %v and %d ticks", c.lo, c.hi, lo, hi, ticks, c.wantLo, c.wantHi, c.wantTicks)
		}
	}
}

func TestTruncate_KeepsShortLabels(t *testing.T) {
	for _, c := range []struct {
		in   string
		max  int
		want string
		cut  bool
	}{
		{"email", 10, "email", false},
		{"last_name_soundex", 10, "last_name…", true},
		{"Zürich–Genève", 7, "Zürich…", true},
	} {
		got, cut := truncate(c.in, c.max)
		if cut != c.cut || got != c.want {
			t.Errorf("truncate(%q, %d) = %q, %v", c.in, c.max, got, cut)
		}
	}
}

func BenchmarkRender(b *testing.B) {
	r := sampleReport()
	for b.Loop() {
		if err := Render(io.Discard, r); err != nil {
			b.Fatal(err)
		}
	}
}
