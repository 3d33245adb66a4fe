package web

import (
	"crypto/rand"
	"encoding/hex"
	"sort"
	"sync"
	"time"

	"houdun/internal/model"
)

// Limits of the in-memory import jobs. Jobs live only in this process: a
// restart forgets them, which is fine for a page the uploader watches.
const (
	jobsMax        = 200              // jobs kept at once, running or finished
	jobsPerUser    = 2                // running at once per user
	jobKeep        = 2 * time.Hour    // a finished job stays visible this long
	jobMaxDuration = 30 * time.Minute // a running import is cancelled after this
)

// importJob is one upload being imported in the background.
type importJob struct {
	ID       string
	Kind     string // "people" or "families"
	UserID   int64
	DryRun   bool
	Started  time.Time
	Finished time.Time // zero while running
	Done     int
	Total    int
	Result   model.ImportResult
	Err      *model.Error
}

// Running reports whether the import has not finished yet.
func (j importJob) Running() bool { return j.Finished.IsZero() }

// jobRegistry keeps the import jobs of this process.
type jobRegistry struct {
	mu   sync.Mutex
	jobs map[string]*importJob
	now  func() time.Time
}

func newJobRegistry() *jobRegistry {
	return &jobRegistry{jobs: map[string]*importJob{}, now: time.Now}
}

var errJobsBusy = model.Errorf(model.ERateLimited, "web.import.busy")

// start registers a new running job of userID, or answers ERateLimited when
// the user already runs jobsPerUser imports or the registry is full of
// running ones.
func (jr *jobRegistry) start(kind string, userID int64, dryRun bool) (*importJob, error) {
	jr.mu.Lock()
	defer jr.mu.Unlock()
	now := jr.now()
	jr.sweep(now)
	running := 0
	for _, j := range jr.jobs {
		if j.UserID == userID && j.Running() {
			running++
		}
	}
	if running >= jobsPerUser {
		return nil, errJobsBusy
	}
	if len(jr.jobs) >= jobsMax && !jr.evictOldestFinished() {
		return nil, errJobsBusy
	}
	b := make([]byte, 16)
	rand.Read(b)
	j := &importJob{ID: hex.EncodeToString(b), Kind: kind, UserID: userID, DryRun: dryRun, Started: now}
	jr.jobs[j.ID] = j
	return j, nil
}

// sweep forgets finished jobs older than jobKeep.
func (jr *jobRegistry) sweep(now time.Time) {
	for id, j := range jr.jobs {
		if !j.Running() && now.Sub(j.Finished) > jobKeep {
			delete(jr.jobs, id)
		}
	}
}

// evictOldestFinished forgets the finished job that ended first.
func (jr *jobRegistry) evictOldestFinished() bool {
	var done []*importJob
	for _, j := range jr.jobs {
		if !j.Running() {
			done = append(done, j)
		}
	}
	if len(done) == 0 {
		return false
	}
	sort.Slice(done, func(a, b int) bool { return done[a].Finished.Before(done[b].Finished) })
	delete(jr.jobs, done[0].ID)
	return true
}

// progress records rows done so far.
func (jr *jobRegistry) progress(id string, done, total int) {
	jr.mu.Lock()
	defer jr.mu.Unlock()
	if j, ok := jr.jobs[id]; ok {
		j.Done, j.Total = done, total
	}
}

// finish records the outcome of a job.
func (jr *jobRegistry) finish(id string, res model.ImportResult, err error) {
	jr.mu.Lock()
	defer jr.mu.Unlock()
	j, ok := jr.jobs[id]
	if !ok {
		return
	}
	j.Finished, j.Result = jr.now(), res
	if err != nil {
		j.Err = model.AsError(err)
	} else if j.Total > 0 {
		j.Done = j.Total
	}
}

// get returns a copy of the job when it exists and belongs to userID.
func (jr *jobRegistry) get(id string, userID int64) (importJob, bool) {
	jr.mu.Lock()
	defer jr.mu.Unlock()
	j, ok := jr.jobs[id]
	if !ok || j.UserID != userID {
		return importJob{}, false
	}
	return *j, true
}
