package store

import (
	"context"
	"strings"
	"time"
)

// InsertDeploymentForTest writes a deployment row (migration 00012) as the
// deployment work will, so that the high-risk rule of stays can be tested
// before that work's store code exists.
func (s *Store) InsertDeploymentForTest(ctx context.Context, personID int64, tier int, startsOn, endsOn, status string) error {
	// unscoped: a test fixture.
	now := time.Now().UnixMilli()
	var postID int64
	err := s.write.QueryRowContext(ctx, `INSERT INTO frontline_posts (name, institution_id, region_code, kind, tier, created_at, updated_at)
		SELECT '发热门诊', institution_id, region_code, 'fever_clinic', $2, $3, $3 FROM people WHERE id = $1 RETURNING id`, personID, tier, now).Scan(&postID)
	if err != nil {
		return err
	}
	_, err = s.write.ExecContext(ctx, `INSERT INTO deployments (person_id, region_code, institution_id, post_id, tier, starts_on, ends_on, status, created_at, updated_at)
		SELECT id, region_code, institution_id, $2, $3, $4, $5, $6, $7, $7 FROM people WHERE id = $1`, personID, postID, tier, startsOn, endsOn, status, now)
	return err
}

// RawTripNotes returns the stored notes of transport requests as they are
// at rest, for the test that no plaintext is kept.
func (s *Store) RawTripNotes(ctx context.Context) ([][]byte, error) {
	// unscoped: a test fixture.
	rows, err := s.read.QueryContext(ctx, "SELECT note_enc FROM transport_requests WHERE note_enc IS NOT NULL")
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out [][]byte
	for rows.Next() {
		var b []byte
		if err := rows.Scan(&b); err != nil {
			return nil, err
		}
		out = append(out, b)
	}
	return out, rows.Err()
}

// UpdateStayForTest tries to change a stay row in place, which the
// append-only triggers must refuse.
func (s *Store) UpdateStayForTest(ctx context.Context, id int64) error {
	// unscoped: a test fixture.
	_, err := s.write.ExecContext(ctx, "UPDATE stays SET check_in_on = '2000-01-01' WHERE id = $1", id)
	return err
}

// BulkStaysForTest fills every bed of a site with back-to-back stays of
// stayLen nights from the night from for days nights (all beds' stays
// aligned, the people taken in turn so that nobody has two beds a night),
// straight into stays and stay_nights with multi-row inserts, for the
// occupancy benchmark. It returns the stays written.
func (s *Store) BulkStaysForTest(ctx context.Context, siteID int64, people []int64, from string, days, stayLen int) (int, error) {
	// unscoped: a test fixture.
	rows, err := s.read.QueryContext(ctx, "SELECT b.id, b.room_id, b.region_code FROM stay_beds b WHERE b.site_id = $1 ORDER BY b.id", siteID)
	if err != nil {
		return 0, err
	}
	type bed struct {
		id, room int64
		region   string
	}
	var beds []bed
	for rows.Next() {
		var b bed
		if err := rows.Scan(&b.id, &b.room, &b.region); err != nil {
			rows.Close()
			return 0, err
		}
		beds = append(beds, b)
	}
	rows.Close()
	var instID int64
	if err := s.read.QueryRowContext(ctx, "SELECT institution_id FROM people WHERE id = $1", people[0]).Scan(&instID); err != nil {
		return 0, err
	}
	now := time.Now().UnixMilli()
	n := 0
	for k := 0; k*stayLen < days; k++ {
		in := addDays(from, k*stayLen)
		out := addDays(from, min((k+1)*stayLen, days))
		for start := 0; start < len(beds); start += 200 {
			chunk := beds[start:min(start+200, len(beds))]
			tx, err := s.write.BeginTx(ctx, nil)
			if err != nil {
				return n, err
			}
			var a args
			var vals []string
			for i, b := range chunk {
				p := people[(start+i+k*len(beds))%len(people)]
				vals = append(vals, "('check_in', 'in', "+a.add(p)+", "+a.add(instID)+", "+a.add(b.region)+", "+a.add(siteID)+", "+a.add(b.room)+", "+
					a.add(b.id)+", "+a.add(in)+", "+a.add(out)+", "+a.add(now)+")")
			}
			ids, err := tx.QueryContext(ctx, `INSERT INTO stays (action, status, person_id, institution_id, region_code, site_id, room_id, bed_id,
				check_in_on, expected_out_on, created_at) VALUES `+strings.Join(vals, ", ")+" RETURNING id, bed_id, person_id", a...)
			if err != nil {
				tx.Rollback()
				return n, err
			}
			type made struct{ id, bed, person int64 }
			var got []made
			for ids.Next() {
				var m made
				if err := ids.Scan(&m.id, &m.bed, &m.person); err != nil {
					ids.Close()
					tx.Rollback()
					return n, err
				}
				got = append(got, m)
			}
			ids.Close()
			byBed := map[int64]bed{}
			for _, b := range chunk {
				byBed[b.id] = b
			}
			nights := nightsOf(in, out)
			for j := 0; j < len(got); j += 50 {
				var a args
				var vals []string
				for _, m := range got[j:min(j+50, len(got))] {
					b := byBed[m.bed]
					for _, night := range nights {
						vals = append(vals, "("+a.add(m.bed)+", "+a.add(night)+", "+a.add(m.id)+", "+a.add(m.person)+", "+a.add(siteID)+", "+a.add(b.room)+", "+a.add(b.region)+")")
					}
				}
				if _, err := tx.ExecContext(ctx, "INSERT INTO stay_nights (bed_id, night, stay_id, person_id, site_id, room_id, region_code) VALUES "+strings.Join(vals, ", "), a...); err != nil {
					tx.Rollback()
					return n, err
				}
			}
			if err := tx.Commit(); err != nil {
				return n, err
			}
			n += len(got)
		}
	}
	return n, nil
}

func addDays(d string, n int) string {
	t, _ := time.Parse("2006-01-02", d)
	return t.AddDate(0, 0, n).Format("2006-01-02")
}

func nightsOf(in, out string) []string {
	var n []string
	for d := in; d < out; d = addDays(d, 1) {
		n = append(n, d)
	}
	return n
}
