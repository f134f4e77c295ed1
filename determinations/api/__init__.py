"""The read-only JSON API under `/api/v1/` (issue 31): the search page's items, facets,
letters and similar rationales, built with Django REST Framework."""
