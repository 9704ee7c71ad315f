"""Data safety and privacy in the GUI (issue 8): backups, settings, audit log, RGPD, lock.

- :mod:`ui.safety.backups` — « Fichier › Restaurer une sauvegarde… »;
- :mod:`ui.safety.settings_dialog` — « Outils › Réglages… » (second backup folder,
  application password, lock delay, site time zone);
- :mod:`ui.safety.audit` — « Outils › Journal des modifications »;
- :mod:`ui.safety.rgpd` — right of access and anonymisation of a contact, and
  « Outils › Données à anonymiser (durée de conservation) »;
- :mod:`ui.safety.lock` — password at start, lock after inactivity, :func:`confirm_officer`;
- :mod:`ui.safety.menus` — :func:`install_safety`, the one call the main window makes.

Every slow service call (listing backups, restoring, exports, retention search, password
derivation) runs off the GUI thread through :mod:`ui.safety.work`.
"""
