// Package scout holds dealscout's nouns — Watch, Listing, Deal, Score — and the
// pure logic over them: normalising what sources return, matching listings to
// watches, and scoring deals.
//
// It must not speak SQL or HTTP: the store and the sources live in their own
// packages, and the poll pipeline reaches them only through the small
// interfaces declared here.
package scout
