"""The Conventions section: list with filters, form, lifecycle, avenants, templates, printing.

- :mod:`ui.conventions.model` — the list's table model over :func:`list_conventions`;
- :mod:`ui.conventions.section` — the section (filters, actions, detail pane);
- :mod:`ui.conventions.form` — the create / edit / avenant dialog;
- :mod:`ui.conventions.status` — the lifecycle step dialog;
- :mod:`ui.conventions.template_editor` — the convention templates editor;
- :mod:`ui.conventions.printing` — PDF pages rendered for the preview and the printer;
- :mod:`ui.conventions.fields` — small input widgets shared by these dialogs.
"""
