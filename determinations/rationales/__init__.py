"""Plain-Python text work on decision rationales: shared passages, near-copies, boilerplate.

Nothing here imports Django; `determinations.similarity` and the compare views wrap it.
"""
