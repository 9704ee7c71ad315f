"""Golden file of the sync format, version 1 (file format 1, database schema 1): every later
Maillage must keep reading it. Do not regenerate it — add a new golden file for a new version.

It holds a structure, a person, a COPIL with its morning session and the person's signed
attendance (with the signature image), signed by a machine « Antenne de Sens » and encrypted
with the tests' passphrase at the lowest scrypt cost the reader accepts.
"""

from __future__ import annotations

import base64
import datetime as dt
import hashlib
from pathlib import Path

from sqlalchemy import select

from app.storage.models import Attendance, Blob, MeetingSession, Organisation, Person
from app.sync import package
from app.sync.service import import_file
from test_sync_support import PASSPHRASE, Site, fast_kdf, sites  # noqa: F401

GOLDEN_V1 = (
    "TUFJTExBR0UtU1lOQwAA+3siY2hlY2siOiJCeUlDLzFNUEZRV01HSXZYR01XMFFRPT0iLCJjaXBoZXIiOiJBRVMtMjU2LUdD"
    "TSIsImZpbGVfc2FsdCI6IkdGTnhkMnhXYnhuRUdQZWpYN2VBRmsyRHdsdjlXYkozazh6TGR0UC9IR1k9Iiwia2RmIjp7Im4i"
    "OjE2Mzg0LCJuYW1lIjoic2NyeXB0IiwicCI6MSwiciI6OCwic2FsdCI6IjRXcmFTNW9QQ0crdFNIZHVld1FLOGc9PSJ9LCJu"
    "b25jZSI6IjYxaE01L2QrdXc9PSIsInNlZ21lbnQiOjEwNDg1NzYsInZlcnNpb24iOjF9iZ78jQbNFXdNAN74oJDxXCyU4SXo"
    "1sYFCb5oFlJ+he1hRnOo5woKHTpIZWo9Oo44Q1lHzZVWCDrlB7pSLuO6ZmOKtXn47Sp8FJyax8HccIvDPZeCS3K2ongPLxmU"
    "zpdGwDBzocr3FgruS00yQeBTLxxKRsTWL5ry91kaEuLLouxHGnS7xnkXaQ/v5WTCwMpJNiF2R89KVvgqlgewVgcoRw/P6dSN"
    "8qM2IDbPC/hA4WhhOskcuSIptWWRgmQ2b82ImYf7XFdsJn6ZHknARcYCSzjnh/i9TX3Dr+4C86U8qEC/xNZ698kY9sk67xRu"
    "s+mRSZPyBV6M7s2/jFq1x655Q2Et4uTc1FbUqGSBJtpEhFELV6mIv+aTybXMsk5NVrmn3VpJ8NDdn9qWihHP7FcDKUTQpO0i"
    "QAB8StQPmUEhG9vPgXs+9M5UwgRW2YmzFdF2CucU9zsedXXJ4B0oSHZUw6wMR3M0wTd9VQb8gFOlFbgrSJO7CubDWlJbL4Vq"
    "r6quxhmNWZ8xK/u7MWynBHaNLF6MEpjQ5L9Jkc5qvPhF1rzLOVi4YVYtKzdDrMJ/rpH+ozIyE39VlqF0zGqZ4CE7L+ll23Xr"
    "0nd1vk96Fwfg6YxAcVjwjXJJDr68NEPXAJ9u0OON1BSIgA7nF4HUqRPdTM/aazI7qDAtAp//tig4Jg5pNf5ScCTh09A/nu+w"
    "1aiWXNyH4Eq8cra2j9qwFVXOjDET/2aDB76ARA8cIRXaZUsk3gSKw0fDTkzleCtjpu0kl157ilsP9T2RSdKyD3g60wWBBbuq"
    "qd9fllLv1jssjSnzpmAG6qtiLRk0HAmQr/jYBjaUhZKV2NF1l8YMEHW1kCQeRtEu5ZJlDlmN2m7woKqimcNbDyVuw0pe0qSn"
    "lUCdL3uDM3tWz8TWoMOYt5S8IqoqyvYZE1pjL1o4jTLer7u01mOhVmsGeaZ6Js5UkjvmDiROPyo2JvQkpeUpJk26IJqvi1wY"
    "XBYyC4LFqNZpuVUHyjSwEcTGhhnOwKhnpJ1XjLxbJBThbrZ9vCXdfODj6gOcWvyeQsY8knTyH8ls71QPmciOg6rInHGpNAVn"
    "TAPL7QsmKY1XBmpzHyc0jqekTEPsC8yKtPbIaQL4X1APMIT1fKsHGI77zmt+Mdf2tTmT+DkLm69awFAxWVbrCLkIznYlMgQs"
    "b9KkBgyvyAqUZOvq62vc5OGJs/ByBgahkxcwVmPVWdF0zW+brBRKmhBEWNlc5cAdCA/VKxQdmJSqe2VLemneBGTiv48ESw/1"
    "xm9O+467XU1q7Dq/XrxDu7xIqucVKm6UKxbKqygfIfBrOpbbV/Q1qK4VgEQ+EeDjVKGxTOpheYXc6t/CXfaemaa7wP5CwZaU"
    "wRqH9HZrA0VK1Y5oWuQ7RDppWZCmQ7uQ08MOYkiDLgPkDIQ703UFxKod6U1VWvcr2Lulovw6kDwEyEVbZThKC+3RNUgZWSqs"
    "411GtGubUR9AIJFa44kwx87YULcuxKvJDMShKUvmG1EST2QCKHrPYsB5AJhr3UyQOy9RNNiEKh//WRkdFUb88Bj9R7GtAkB2"
    "MIZVeZmii00I6syNsJRjoTKoRFw0L+Yk0UnQw6l/vcQPbpAlA0dpsYTz3fUYtqjA/nPyek8ri6yJy772LBgmE2JNvy7OOIw7"
    "59x56j8ZDi7li3NXMst3bhceUTPorJ7tjYb2f2TpxoHVWebCnEAwxGzRjTejTXEuYEQzYmhdblYCvLiEtyARjmb/3nELi8iX"
    "U3zloLq9oJT3e1rUsa+CHWNEX99J/jp7sYh3hMnpmz7QRwyFyCaEQdxdFkMNfuxFJqISVp4+Yfk1/knXllP8AF32NJ8+WWD4"
    "dQs8nr/+dE2Jsc/o+0Pxs8HvKvha0CbkOC/JaCyL3q3n2AcKyXs0JIfCVuyXlD925poLhBZi3sC/RF+jaWYJJQQ/yMlYoOgo"
    "VMGKWerB1bYaLZICKTYevvgEyveOD3w/Jj+csQp9Q+ilqx5dY/EFFjoXA59vePeX3pckR/FDLVnCl+cXHsHCkUYQO2BBkO+a"
    "D6M2z9/5i0Z81pE2S14AksWP/hiGrU+Oj5uuYV3NDpxx0SORyZa7P6gNDeSVg0UYByrEcGQTiChiiqydwxiuKKDGtruEI3Lo"
    "ihNLyl3K04RiCCSAY+KN6D36Of7lIMyBxphKj27aKrAv0VkWl1rbF9LQLF8hEIBRT2njmCaQYIaxP2c3TwKUx0XVIbN1iZ9x"
    "WJL4Cjq5f7Df/3nqvBJdiyHsFzx+oLy5ZdGgrf8V6c9bWgfu3iWm5a2wF6LP998bUF1TUNjeKG6quqYWS/qtX1TXqrep2PyN"
    "rY4uXlRtAVuG6NEVTGcNxkJ0Cd8PhCLX2vXOrM/8jYJ66jrq/rOkfajOTpX1F+TFC8cSfO5u4NOfPbbTcCqu9CVHRANqclDY"
    "QVfzcqCYtQOprLj0R6fS/KfrjWBXwRh6ZyQNjC4YAwn/VBmOKPrjnLbubDPA1QGXmquYZVvlmcVDgWc2Dv9Teb/5SxVXFWeE"
    "vq5ZPQ6V45dDS2PFWFeqq5nOEXmu+7VepzBUdJzcYbZbkYER9binopfpitJpgT+tiUJSvFa9emi53RFR8IDBbdnqitP3Eb5k"
    "dCRpAnpwKoERmI1kWiRekjQhahkj3TESFKOg721E981lvygj6vUr24jv5JUZqGAm/U1jo9aElUd8Veje7ikA1e1jJigtCUYv"
    "bIOHC87CWPe9XxFgAsshKc2KYyS1NjWvNQaJIo5pLBIX8lWtzAVhvVNPivdrPgsS/aiBo3YamAyftQuxkDx2AR3ZCHWp5zEC"
    "NOkYaWKP9nQyn/gIoFWHKEBJWGPIVo2nl5FmVwVf/l0Dsk2uIZZjeHmJpGK4m5o314sI9JgYPKYPDS70g6truQrR3lGBpzr3"
    "KoZnetikfHRWslMjg8U3cAl5rEiRiOmtktvim3qLk2j4GEdqXmXEPJNtxh4U84Mi+I5odtcbOeOkOBqPoPArLgDoPWHfV5Iz"
    "PizTwSoTC9qpgW0SKrqSM1R78IgQu+ruCKnZHQdNPWjKh+xiuWITW59buKuCt68LASE5YezNNmzv1JGmTI2RNcOCW+vS+EaD"
    "Yb2pZlHypeNO8wr7D3YOuO6aXZcxtYv0UmlUSxZ6S5tmclQUQ1S2grdthYr0uvbTotkhz9ztCQXNf/fUV2RkP0HoURM59rUw"
    "YZjQ1KL//uJXr/0tZzsJgBLU62MuRiIkI494JTNYQMNyd+e3Nkt3c5EGSLSblbIwN+f8YZ7/O5vaZWmjy7Fopo7QQVaEzfdd"
    "iN1k2WhaVkzn1ITQnsX64goiiUMM2hEGGALbvrcR6kveny3Setov1WQfTtkMHtHfSLQFGKTDyMWGz9wd8xdcSrPtEhfT/KbS"
    "PWJNCndoPQzY+/pXklpucxpD4ifoKlvn3fIDhrUlIMGP9U1KiImGdJY+8ttGHWyOlqu9N0tGhnH2F35X6+BpuN4lwa3IY7oS"
    "ZB6eRwzllY8Rbm5zSi/et1IYvC3zWbRfSH8ycGk+uKNSHYADU5vK6qVoxbtXvJWNy+4Nr7OKcOuwRw8GNN4yNVIoSQA0UP7i"
    "ih+9lBQ3ITJu4zOZ9eH3REXbY6ezSPWPpMYGKenepGecI3efN2tYTKZut8cIyDy+oLzy4LnSIUPGbYsV7mkkZx/A0A+KJRFX"
    "PMHWTx88E9mn/ohHs1IofZeXqJvf1DIiXd8SjoCYOeyqXaWh3PBuyDYm+Deb0U5JUfVcFWyEmy9YXmv/fqPrgtSJZNhBeyOL"
    "LWWdhapkESPUOPOI6ni5cuE0e2crlFMFqEHOJB7ml13UruTdoLyk65Zl6ZwJ1EbUp1Cw8vgEWHX3BU+BlFDoOEhuxr213Nyy"
    "u3B3s50ZcbLwTeHrsqotE+2BJ6bpjaM/1gqHKXcKq+IF5q3LYhR0hLONpej3eY3XyTmjZnHi9x+utMhI8OV6/IxwxV/uqWOF"
    "Eyre8BZD95dJAffVe7AFKMKktsxv/YDpXggflh4IiKca1Q3mULSdRiBw9R7vsdjvrCMv5LLU7YGfsDP8Jb04ZEmnQnYjuCeP"
    "6vzVb8yVqG58mDi39Eyg+daElxsPloLjxiJBn7lTYpAetvo+SB/arZAucORNlh2JPA5fnIQmorVdHDCndFEvejP9DOyt92WZ"
    "bI0+Wfc3ORfPw3ToR2peg+n7rioElXlqeP2HQgiji4AnFvo5O9IwidoVEqu7M5lIXLGrQYr1innw9mjJgz4JMR7KlZXh9SGr"
    "HPOwKqKyGeawByOuo7klHmB6w7fmJBDDCiAe+5yc9Dx3KnI8QtRVLlFyyUlMmQqCH3yHPxdnwijwRRL+USvu7PbYQ+Cz4XAF"
    "IbvPXplMmqGYiEHNyj8p9QlcE0T19GNBikELkvqUsVnoeykCLwT2g7H2jniwlDK6lNPH3DrFmR7Y4+UDYb6jUMSB33uGDN+S"
    "4jOAaxPYkfjW95szKWHMvonSkcksXyIpa6kJ0kHgM6U0VrknMqIFXuYvNJxgTab1IpXtmXpj8r+igpAs+w1DhpayhqjGsUmK"
    "0TSKltQhfKTuf/JoOgaNiH23f9eL77/O/ZVkwGj+2OHSS6qx4TklFTjjtVt6eK/PGQkjx4xH2AUapUkBIrvPPnA3qDJU5zQJ"
    "o4PIctlXh8gqaLUkw7fWR1qCq16+9GIcqv0jr5tCNoJQ9XLt3HDOHo00ZBvZ2CR6H8wM4Clwg2Rb7wdn+Mqs7Zl+ipOxokI+"
    "kun3U4X486fWyV1+iTpWWGmBNn4LHIjOzcmLuwriETM4iV19aqVcqIF4VD2Zmqsv0eRx7DNeSQJhr+0UfMSxk7kdkNLwGaMl"
    "s9v5X6l00w0O1QjLArwuyTuHFnwjbheoxFsRfz8yytQajHNF2J5QDzgEOVR1b0G7ARiwblu30jbLV3nzXdmsp6NuddiQVIBo"
    "Gw+EYRdJTgWBlCl3jlubEQ3dZuu/WdDMJ6349u+JLJhrIB6tGXnWkRqaeWxR5rUwOunDW/E7543xU9/g+qrK3b5rRNBL/xhE"
    "njEK8dpMBbR1R4bOh5Yuf8S7UwmnMMIP/5KciWeHSIvvBRjojbnAV28kuFxVaDXDmwXAwcBbqZ+JRBRWWIbyrEzmeLe/R/tu"
    "n/Ac8DSziSBkdh4FmfDpxeJX5iXIGh5KZZ3IlXDFStcYeVXLg4ZUhab98Bqi/pVWstlSGVQAY/txCp7bb6l6820BVOpMXZla"
    "EXW3zPvw+kCF7ED52CHYpMpgV2lQr5TON32czxePlCNDqcIubwaeM6Cs76BcxyY05RHQNUVWZkDmZnEdPNecQZnl1BmXxsZQ"
    "bp3l6xG4D7AxOacGl84QORR2g3Tioz7AuShbWglR4W388m3Wjo4eO9qXcR74rCJQGG05U5e6dywL8oca6v1hRi22Ctvt7v9g"
    "GMeQ7tT5oRwL5Bgh0cYmHJEPlmEN2JH0k5w3sn1zHXykKdtEDihjlZ3b18hu1w=="
)


def _write(tmp_path: Path) -> Path:
    path = tmp_path / "golden-v1.msync"
    path.write_bytes(base64.b64decode("".join(GOLDEN_V1)))
    return path


def _check(site: Site) -> None:
    with site.ws.unit() as s:
        org = s.get(Organisation, "01960000-0000-7000-8000-000000000001")
        assert (org.name, org.siret, org.tags, org.headcount) == (
            "Ressourcerie de l'Yonne", "41816609600069", ["ESS", "réemploi"], 12)
        person = s.get(Person, "01960000-0000-7000-8000-000000000002")
        assert (person.first_name, person.consent_date) == ("Nadia", dt.date(2026, 1, 15))
        session = s.get(MeetingSession, "01960000-0000-7000-8000-000000000004")
        assert (session.date, session.start_time, session.end_time) == (
            dt.date(2026, 3, 2), dt.time(9), dt.time(12, 30))
        [att] = s.execute(select(Attendance)).scalars().all()
        assert (att.status, att.signed_at, att.arrival) == ("present", dt.datetime(2026, 3, 2, 9, 5), dt.time(9, 2))
        blob = s.get(Blob, att.signature_sha256)
        assert hashlib.sha256(blob.data).hexdigest() == att.signature_sha256
        assert blob.data.startswith(b"\x89PNG")


def test_the_version_1_golden_file_is_still_read(sites, tmp_path) -> None:  # noqa: ANN001
    (site,) = sites("siege")
    report = import_file(site.ws, _write(tmp_path), passphrase=PASSPHRASE)
    assert report.origin_name == "Antenne de Sens"
    assert report.created == 5 and report.blobs == 1
    _check(site)


def test_rows_of_an_older_schema_are_completed_with_defaults(sites, tmp_path, monkeypatch) -> None:  # noqa: ANN001
    """What a future schema (a column added with a default) does with today's file."""
    from app.sync import codec

    (site,) = sites("siege")
    monkeypatch.setattr(package, "SCHEMA_VERSION", package.SCHEMA_VERSION + 1)
    dropped = {"acronym", "tags"}
    real = codec.TableCodec.upgrade

    def older(self, row):  # noqa: ANN001, ANN202 - the golden rows, as if "acronym" and "tags" were new
        if self.name == "organisations":
            row = {k: v for k, v in row.items() if k not in dropped}
        return real(self, row)

    monkeypatch.setattr(codec.TableCodec, "upgrade", older)
    report = import_file(site.ws, _write(tmp_path), passphrase=PASSPHRASE)
    assert report.created == 5
    with site.ws.unit() as s:
        org = s.get(Organisation, "01960000-0000-7000-8000-000000000001")
        assert (org.acronym, org.tags, org.name) == ("", [], "Ressourcerie de l'Yonne")
