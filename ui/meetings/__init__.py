"""The Réunions section: meetings, invitations, attendance, evidence, minutes and scans.

- :mod:`ui.meetings.section` — the list (or the week / month agenda) with its toolbar and the
  meeting detail with its evidence panel;
- :mod:`ui.meetings.form` — the meeting form (general, sessions, ordre du jour, participants);
- :mod:`ui.meetings.participants` — invitations: one by one, by structure, by criteria, from
  the previous meeting of the series, from a CSV / XLSX list;
- :mod:`ui.meetings.agenda` — the week and month views;
- :mod:`ui.meetings.grid` — attendance from the paper sheet (people × sessions);
- :mod:`ui.meetings.evidence` — the completeness of the evidence;
- :mod:`ui.meetings.minutes` — the compte rendu editor;
- :mod:`ui.meetings.scans` — filing scans of signed sheets;
- :mod:`ui.meetings.printing` — the attendance sheet and the minutes as PDF: preview, print, save;
- :mod:`ui.meetings.common` — what these dialogs share (background work, officer confirmation).

The signing kiosk is :mod:`ui.kiosk`.
"""
