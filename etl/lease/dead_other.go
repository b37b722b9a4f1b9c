//go:build !unix

package lease

// holderDead cannot tell a dead holder here; leases expire by their ttl.
func holderDead(h, me Holder) bool { return false }
