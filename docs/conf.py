"""Sphinx configuration of the API reference (``make docs``): numpydoc renders the docstrings."""

from __future__ import annotations

import toolkit

project = "diplomatic-discourse-toolkit"
author = "The toolkit developers"
release = toolkit.__version__
extensions = ["sphinx.ext.autodoc", "sphinx.ext.autosummary", "numpydoc", "sphinx.ext.intersphinx"]
autosummary_generate = True
autodoc_default_options = {
    "members": True,
    "inherited-members": False,
    # made by scikit-learn for every estimator (metadata routing), with cross-references into its own docs
    "exclude-members": "set_transform_request, set_fit_request, set_score_request, set_output",
}
numpydoc_show_class_members = False
numpydoc_class_members_toctree = False
numpydoc_xref_param_type = False
intersphinx_mapping = {}
html_theme = "alabaster"
html_title = f"toolkit {release}: API reference"
exclude_patterns = ["_build"]
nitpicky = False
