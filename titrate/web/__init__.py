"""The clinician's web app (optional extra `titrate[web]`): pages and a JSON API over a local patient store.

Imported only by `titrate serve` and the tests; the command line's other commands never load it.
"""
