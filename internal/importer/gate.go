package importer

import "houdun/internal/model"

// DefaultConcurrentImports is how many imports read and validate files at
// the same time by default. Each holds its upload and its valid rows (tens
// of MiB for the largest roster), so a handful of parallel uploads must not
// be able to take the server's memory.
const DefaultConcurrentImports = 2

// Gate bounds the imports running at once; one Gate is shared by the API
// and the pages. A full gate answers at once rather than queueing: an
// upload that waited would hold its connection and its bytes meanwhile.
type Gate struct {
	slots chan struct{}
}

// NewGate returns a gate for n imports at once (DefaultConcurrentImports when n < 1).
func NewGate(n int) *Gate {
	if n < 1 {
		n = DefaultConcurrentImports
	}
	return &Gate{slots: make(chan struct{}, n)}
}

// Enter takes a slot, or answers EUnavailable ("busy, try again") when all
// are taken. The returned leave gives the slot back; call it once.
func (g *Gate) Enter() (leave func(), err error) {
	select {
	case g.slots <- struct{}{}:
		return func() { <-g.slots }, nil
	default:
		return nil, model.Errorf(model.EUnavailable, "import.busy")
	}
}
