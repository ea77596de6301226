"""English dates as the interface has always written them: "1 December 2026", "1 Dec 2026 09:30".

Django's own English formats are American ("Dec. 1, 2026"); the templates name the format
(``|date:"DATE_FORMAT"``) so that French ("1 décembre 2026") and Spanish ("1 de diciembre de 2026")
take Django's formats for those languages, and English takes these.
"""

DATE_FORMAT = "j F Y"
DATETIME_FORMAT = "j F Y H:i"
SHORT_DATE_FORMAT = "j M Y"
SHORT_DATETIME_FORMAT = "j M Y H:i"
TIME_FORMAT = "H:i"
