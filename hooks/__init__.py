"""Privacy notices from register data.

The modules here are plain Python with no MkDocs imports, except `mkdocs_hooks`
(the thin MkDocs glue) so that loading, validation and rendering can move to
another site generator or a pre-build step.
"""
