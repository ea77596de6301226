"""English dates as the pages write them ("1 December 2026"), not Django's American default ("Dec. 1, 2026").

French and Spanish keep Django's own formats: "1 décembre 2026", "1 de diciembre de 2026".
"""

DATE_FORMAT = "j F Y"
DATETIME_FORMAT = "j F Y H:i"
