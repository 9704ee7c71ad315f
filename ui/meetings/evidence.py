"""The completeness of a meeting's evidence, in its detail pane.

:func:`app.services.attendance.evidence` says, in French, what an auditor would find
missing: a signature or a status for every participant and half-day and the
countersignature for a training; présents, excusés and the compte rendu for other meetings.
"""

from __future__ import annotations

from dataclasses import replace

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QFrame, QLabel, QVBoxLayout, QWidget

from app.domain import formatting as fmt
from app.services.attendance import EvidenceReport
from app.services.details import RecordDetail
from ui.detail import DetailPane

MAX_ITEMS = 4

PANEL_STYLE = """
QFrame#evidencePanel { border-radius: 6px; border: 1px solid #d3e4ea; background: #f2f7f9; }
QFrame#evidencePanel[state="complete"] { border-color: #8fd0a2; background: #eef8f1; }
QFrame#evidencePanel[state="missing"] { border-color: #e0b400; background: #fff9e0; }
QLabel#evidenceTitle { font-weight: bold; color: #1f2933; }
QLabel#evidenceState { font-weight: bold; }
QLabel#evidenceState[state="complete"] { color: #0b5e2a; }
QLabel#evidenceState[state="missing"] { color: #7a4d00; }
QLabel#evidenceState[state="later"] { color: #3e4652; }
QLabel#evidenceSession { color: #3e4652; }
QLabel#evidenceItem { color: #3e4652; }
"""


def state_of(report: EvidenceReport) -> str:
    """``complete``, ``missing`` (the meeting took place) or ``later`` (still to come)."""
    if report.complete:
        return "complete"
    return "missing" if report.due else "later"


def headline(report: EvidenceReport) -> str:
    n = len(report.missing)
    if report.complete:
        return "✓ Justificatifs complets"
    if not report.due:
        return f"À compléter après la réunion\u00a0: {fmt.plural(n, 'élément')} à réunir"
    return f"{fmt.plural(n, 'élément manquant', 'éléments manquants')}"


def session_line(s, training: bool) -> str:  # noqa: ANN001 - a SessionEvidence
    """« Mardi 9 février 2027, matin (9 h 00 – 12 h 30) : 12 signatures sur 14, scellé »."""
    caption = s.caption[0].upper() + s.caption[1:]
    if training:
        parts = [f"{fmt.plural(s.signed, 'signature')} sur {fmt.number(s.expected)}"]
        others = s.recorded - s.signed
        if others > 0:
            parts.append(fmt.plural(others, "autre statut saisi", "autres statuts saisis"))
    else:
        parts = [f"{fmt.plural(s.recorded, 'statut saisi', 'statuts saisis')} sur "
                 f"{fmt.number(s.expected)}"]
        if s.signed:
            parts.append(fmt.plural(s.signed, "signature"))
    if s.scanned_pages:
        parts.append(fmt.plural(s.scanned_pages, "page scannée", "pages scannées"))
    if training or s.sealed:
        parts.append("scellé" if s.sealed else "non scellé")
    return f"{caption}\u00a0: " + ", ".join(parts)


class EvidencePanel(QFrame):
    """« Justificatifs »: the state, one line per session, the missing items."""

    def __init__(self, report: EvidenceReport, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("evidencePanel")
        self.setStyleSheet(PANEL_STYLE)
        self.report = report
        state = state_of(report)
        self.setProperty("state", state)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(12, 10, 12, 10)
        layout.setSpacing(4)
        rule = "formation\u00a0: une signature par demi-journée" if report.rule == "formation" \
            else "réunion\u00a0: présents et excusés, compte rendu"
        title = QLabel(f"Justificatifs ({rule})")
        title.setObjectName("evidenceTitle")
        title.setWordWrap(True)
        layout.addWidget(title)
        self.state_label = QLabel(headline(report))
        self.state_label.setObjectName("evidenceState")
        self.state_label.setProperty("state", state)
        self.state_label.setWordWrap(True)
        layout.addWidget(self.state_label)
        self.session_labels: list[QLabel] = []
        for session in report.sessions:
            label = QLabel(session_line(session, report.rule == "formation"))
            label.setObjectName("evidenceSession")
            label.setWordWrap(True)
            label.setTextFormat(Qt.TextFormat.PlainText)
            layout.addWidget(label)
            self.session_labels.append(label)
        self.item_labels: list[QLabel] = []
        self.more_label: QLabel | None = None
        for text in report.missing[:MAX_ITEMS]:
            label = QLabel(f"• {text}")
            label.setObjectName("evidenceItem")
            label.setWordWrap(True)
            label.setTextFormat(Qt.TextFormat.PlainText)
            label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
            layout.addWidget(label)
            self.item_labels.append(label)
        if len(report.missing) > MAX_ITEMS:
            more = QLabel(f"… et {fmt.plural(len(report.missing) - MAX_ITEMS, 'autre élément', 'autres éléments')} "
                          "(survolez pour tout lire).")
            more.setObjectName("evidenceItem")
            more.setToolTip("\n".join(f"• {t}" for t in report.missing))
            layout.addWidget(more)
            self.more_label = more

    def missing_texts(self) -> list[str]:
        return list(self.report.missing)


class MeetingDetailPane(DetailPane):
    """The meeting's detail with its evidence panel under the title."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.evidence_panel: EvidencePanel | None = None

    def show_meeting(self, detail: RecordDetail, report: EvidenceReport | None) -> None:
        # « module « clauses sociales » »: the guillemets stay with their words when wrapped
        # (the title is otherwise shown as the other views show it).
        title = detail.title.replace("« ", "«\u00a0").replace(" »", "\u00a0»")
        self.show_detail(replace(detail, title=title))
        self.evidence_panel = None
        if report is None:
            return
        body = self.widget()
        layout = body.layout() if body is not None else None
        if not isinstance(layout, QVBoxLayout):
            return
        self.evidence_panel = EvidencePanel(report)
        # After the title, the subtitle and the banner: before the fields.
        layout.insertWidget(3, self.evidence_panel)

    def show_message(self, text: str) -> None:
        self.evidence_panel = None
        super().show_message(text)
