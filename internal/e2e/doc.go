// Package e2e holds the browser tests: they start the real handler stack on
// a fresh database and drive Debian's Chromium through the pages as a user
// would, on a desktop and on a phone-sized screen. It has no code of its own
// outside the tests.
package e2e
