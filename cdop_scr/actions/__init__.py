"""Action-plan tracking for any source of recommendations (SCR reviews, CDOP cases).

Services here take the plan or action they act on and never assume where it came from; the
owning domain (e.g. `scr`) finds the object in its own scope, provides the pages' routes and
calls these services. Templates in `templates/actions/` take a `links` object for the URLs.
"""
