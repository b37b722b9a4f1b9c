package normalize

import "testing"

func TestCompanyKey_LegalSuffixesAndFolding(t *testing.T) {
	cases := map[string]string{
		"Acme Inc":                         "acme",
		"Acme, Inc.":                       "acme",
		"ACME INCORPORATED":                "acme",
		"Acme Corp.":                       "acme",
		"Acme Corporation":                 "acme",
		"Acme Co":                          "acme",
		"Acme Company":                     "acme",
		"Acme LLC":                         "acme",
		"Acme, L.L.C.":                     "acme",
		"Acme Ltd":                         "acme",
		"Acme Limited":                     "acme",
		"Acme LLP":                         "acme",
		"Acme LP":                          "acme",
		"Acme PLC":                         "acme",
		"Acme plc.":                        "acme",
		"Müller GmbH":                      "muller",
		"Müller GmbH & Co. KG":             "muller",
		"Müller KG":                        "muller",
		"Siemens AG":                       "siemens",
		"Airbus SE":                        "airbus",
		"Société Générale S.A.":            "societe generale",
		"Société Générale SA":              "societe generale",
		"Capgemini S.A.S.":                 "capgemini",
		"Dupont SARL":                      "dupont",
		"Rossi S.r.l.":                     "rossi",
		"Ferrari S.p.A.":                   "ferrari",
		"Ferrari SpA":                      "ferrari",
		"Philips B.V.":                     "philips",
		"Philips N.V.":                     "philips",
		"Acme Pty Ltd":                     "acme",
		"Acme Pty. Ltd.":                   "acme",
		"Toshiba K.K.":                     "toshiba",
		"Kabushiki Kaisha Toshiba":         "toshiba",
		"Sony Group Co., Ltd.":             "sony group",
		"Volvo AB":                         "volvo",
		"Volvo AB (publ)":                  "volvo",
		"Maersk A/S":                       "maersk",
		"Equinor ASA":                      "equinor",
		"Nokia Oyj":                        "nokia",
		"Kone Oy":                          "kone",
		"Lego ApS":                         "lego",
		"Telefónica S.L.":                  "telefonica",
		"Cemex S.A.B. de C.V.":             "cemex",
		"Bimbo S.A. de C.V.":               "bimbo",
		"Natura Ltda.":                     "natura",
		"Infosys Pvt Ltd":                  "infosys",
		"Infosys Private Limited":          "infosys",
		"Petronas Sdn Bhd":                 "petronas",
		"PT Bank Mandiri Tbk":              "bank mandiri",
		"The Coca-Cola Company":            "coca cola",
		"The Home Depot, Inc.":             "home depot",
		"Johnson & Johnson":                "johnson and johnson",
		"Johnson and Johnson":              "johnson and johnson",
		"Smith & Co.":                      "smith",
		"Procter & Gamble Co.":             "procter and gamble",
		"McDonald's Corporation":           "mcdonalds",
		"Amazon.com, Inc.":                 "amazon",
		"Booking.Com B.V.":                 "booking",
		"Acme Com":                         "acme com",
		"Bank of America, N.A.":            "bank of america",
		"  ACME   widgets  ":               "acme widgets",
		"Acme Holdings Inc.":               "acme holdings",
		"Nestlé S.A.":                      "nestle",
		"Ørsted A/S":                       "orsted",
		"Grün UG (haftungsbeschränkt)":     "grun",
		"Acme Co., Ltd.":                   "acme",
		"The Company":                      "company",
		"Inc.":                             "inc",
		"Limited":                          "limited",
		"OOO Romashka":                     "romashka",
		"Acme Sp. z o.o.":                  "acme",
		"Toyota Motor Kabushiki Kaisha":    "toyota motor",
		"AT&T Inc.":                        "at and t",
		"Ernst & Young Global Limited":     "ernst and young global",
		"Credit Suisse Group AG":           "credit suisse group",
		"Acme Limited Liability Company":   "acme",
		"Acme Software GmbH & Co. KGaA":    "acme software",
		"Deutsche Bank Aktiengesellschaft": "deutsche bank",
	}
	for raw, want := range cases {
		if got := CompanyKey(raw); got != want {
			t.Errorf("CompanyKey(%q) = %q, want %q", raw, got, want)
		}
	}
}

func TestCompanyKey_NullTokensGiveEmpty(t *testing.T) {
	for _, raw := range []string{"", " ", "N/A", "-", "none", "unknown", "?"} {
		if got := CompanyKey(raw); got != "" {
			t.Errorf("CompanyKey(%q) = %q, want empty", raw, got)
		}
	}
}

func TestCompanyKey_SpellingsOfOneCompanyMeet(t *testing.T) {
	groups := [][]string{
		{"Acme Inc.", "ACME, INC", "acme incorporated", "Acme", "The Acme Corp."},
		{"Société Générale", "Societe Generale SA", "SOCIÉTÉ GÉNÉRALE S.A."},
		{"Procter & Gamble", "Procter and Gamble Co", "PROCTER & GAMBLE COMPANY"},
	}
	for _, g := range groups {
		want := CompanyKey(g[0])
		for _, raw := range g[1:] {
			if got := CompanyKey(raw); got != want {
				t.Errorf("CompanyKey(%q) = %q, want %q as for %q", raw, got, want, g[0])
			}
		}
	}
}

func BenchmarkCompanyKey(b *testing.B) {
	inputs := []string{"Acme, Inc.", "Müller GmbH & Co. KG", "Société Générale S.A.", "Kabushiki Kaisha Toshiba", "Sony Group Co., Ltd."}
	b.ReportAllocs()
	for i := 0; b.Loop(); i++ {
		CompanyKey(inputs[i%len(inputs)])
	}
}
