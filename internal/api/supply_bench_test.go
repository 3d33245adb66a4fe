package api_test

import (
	"bytes"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"os"
	"strconv"
	"sync/atomic"
	"testing"
	"time"

	"houdun/internal/auth"
	"houdun/internal/store"
	"houdun/internal/testutil"
)

// benchSupplyScale is the fixture of the supply benchmarks: 200 stores,
// 2,000 items, 5,000,000 movements (each store holds 500 items in 2
// batches: 200,000 balance rows, 25 movements each). HOUDUN_BENCH_SUPPLY_SCALE
// (a fraction, e.g. 0.1) shrinks the movements for a quick run.
func benchSupplyScale() store.BulkSupplies {
	spec := store.BulkSupplies{Stores: 200, Items: 2000, ItemsPerStore: 500, BatchesPerItem: 2, Movements: 5_000_000, Regions: benchDistricts,
		At: time.Now().Add(-24 * time.Hour).UnixMilli()}
	if f, err := strconv.ParseFloat(os.Getenv("HOUDUN_BENCH_SUPPLY_SCALE"), 64); err == nil && f > 0 {
		spec.Movements = int(float64(spec.Movements) * f)
	}
	return spec
}

// benchSupplies returns a store (SQLite; PostgreSQL with
// HOUDUN_BENCH_ENGINE=postgres and HOUDUN_TEST_POSTGRES set) with the
// fixture bulk-loaded, and its stores.
func benchSupplies(b *testing.B) (*store.Store, store.BulkSupplies, []int64, []int64) {
	b.Helper()
	engine := store.SQLite
	if os.Getenv("HOUDUN_BENCH_ENGINE") == "postgres" {
		engine = store.Postgres
	}
	st := testutil.NewStore(b, engine, time.Now)
	spec := benchSupplyScale()
	start := time.Now()
	stores, items, err := st.BulkLoadSuppliesForBenchmark(testutil.System(), spec)
	if err != nil {
		b.Fatal(err)
	}
	b.Logf("%s: loaded %d stores, %d items, %d movements in %v", engine, spec.Stores, spec.Items, spec.Movements, time.Since(start).Round(time.Second))
	return st, spec, stores, items
}

// BenchmarkSuppliesHTTP measures, over HTTP on 5,000,000 movements, the
// current stock of a store (one store's 500 items and 1,000 batches) and
// recording issues from many clients at once.
func BenchmarkSuppliesHTTP(b *testing.B) {
	st, spec, stores, items := benchSupplies(b)
	// itemOf is the k-th item store si holds, as the fixture lays them out.
	itemOf := func(si, k int) int64 { return items[(si*7919+k%spec.ItemsPerStore)%len(items)] }
	srv, c := benchServer(b, st, 64)
	city := benchToken(b, st, srv, c, "cw-fuxin", auth.RoleCaseworker, "2109")
	b.Run("store stock", func(b *testing.B) {
		var lat []time.Duration
		for i := 0; b.Loop(); i++ {
			t0 := time.Now()
			req, _ := http.NewRequest("GET", fmt.Sprintf("%s/api/v1/stores/%d/stock", srv.URL, stores[i*37%len(stores)]), nil)
			req.Header.Set("Authorization", "Bearer "+city)
			res, err := c.Do(req)
			if err != nil {
				b.Fatal(err)
			}
			var stock struct{ Items []json.RawMessage }
			err = json.NewDecoder(res.Body).Decode(&stock)
			res.Body.Close()
			if err != nil || res.StatusCode != http.StatusOK || len(stock.Items) != spec.ItemsPerStore {
				b.Fatalf("status %d, %d items, %v", res.StatusCode, len(stock.Items), err)
			}
			lat = append(lat, time.Since(t0))
		}
		reportLatency(b, lat)
	})
	b.Run("record issues parallel", func(b *testing.B) {
		var next atomic.Int64
		b.SetParallelism(benchParallelism)
		start, cpu0 := time.Now(), cpuTime()
		b.RunParallel(func(pb *testing.PB) {
			for pb.Next() {
				i := next.Add(1)
				si := int(i*7919) % len(stores)
				body, _ := json.Marshal(map[string]any{"kind": "issue", "store_id": stores[si], "item_id": itemOf(si, int(i)), "quantity": 1})
				req, _ := http.NewRequest("POST", srv.URL+"/api/v1/stock-movements", bytes.NewReader(body))
				req.Header.Set("Authorization", "Bearer "+city)
				req.Header.Set("Content-Type", "application/json")
				res, err := c.Do(req)
				if err != nil {
					b.Error(err)
					return
				}
				io.Copy(io.Discard, res.Body)
				res.Body.Close()
				if res.StatusCode != http.StatusCreated {
					b.Errorf("status %d", res.StatusCode)
					return
				}
			}
		})
		b.ReportMetric(float64(b.N)/time.Since(start).Seconds(), "movements/s")
		b.ReportMetric(float64((cpuTime()-cpu0).Microseconds())/float64(b.N), "cpu-µs/movement")
	})
}
