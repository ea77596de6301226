from .framework import (
    CoherenceLink,
    Criterion,
    FrameworkError,
    FrameworkLocked,
    FrameworkVersion,
    LevelDescriptor,
    RecommendedAction,
    RoundTable,
    SupportAvailable,
    Theme,
)
from .reference import GcmObjective, KeyElement, PolicySector, SdgDomain

__all__ = [
    "CoherenceLink",
    "Criterion",
    "FrameworkError",
    "FrameworkLocked",
    "FrameworkVersion",
    "GcmObjective",
    "KeyElement",
    "LevelDescriptor",
    "PolicySector",
    "RecommendedAction",
    "RoundTable",
    "SdgDomain",
    "SupportAvailable",
    "Theme",
]
from .assessment import (  # noqa: E402
    SECRETARIAT_GROUP,
    Assessment,
    AssessmentLocked,
    Government,
    Membership,
    Response,
    is_secretariat,
)

__all__ += [
    "SECRETARIAT_GROUP",
    "Assessment",
    "AssessmentLocked",
    "Government",
    "Membership",
    "Response",
    "is_secretariat",
]
from .report import ReportFile  # noqa: E402

__all__ += ["ReportFile"]
from .people import (  # noqa: E402
    SECRETARIAT_ADMIN_GROUP,
    Invitation,
    MembershipChange,
    is_secretariat_admin,
)

__all__ += ["SECRETARIAT_ADMIN_GROUP", "Invitation", "MembershipChange", "is_secretariat_admin"]

from .event import AssessmentEvent  # noqa: E402

__all__ += ["AssessmentEvent"]

from .api import ApiToken  # noqa: E402

__all__ += ["ApiToken"]

from .plans import Action, ProgressNote  # noqa: E402

__all__ += ["Action", "ProgressNote"]

from .profile import Profile  # noqa: E402

__all__ += ["Profile"]
