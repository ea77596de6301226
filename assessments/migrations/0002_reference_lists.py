"""Reference lists that criteria are tagged with (DESIGN §2)."""

from django.db import migrations

KEY_ELEMENTS = [
    ("a", "Public perceptions"),
    ("b", "Development planning"),
    ("c", "Human rights"),
    ("d", "Crisis situations"),
    ("e", "Evidence and knowledge"),
    ("f", "Policy coherence and institutional development"),
]

POLICY_SECTORS = [
    ("development-planning", "Development planning"),
    ("labour-employment", "Labour and employment"),
    ("health", "Health"),
    ("education", "Education"),
    ("social-protection", "Social protection"),
    ("justice-home-affairs", "Justice and home affairs"),
    ("foreign-affairs-consular", "Foreign affairs and consular services"),
    ("finance-remittances", "Finance and remittances"),
    ("environment-climate-drr", "Environment, climate and disaster risk reduction"),
    ("urban-local-government", "Urban and local government"),
    ("statistics", "Statistics"),
]

SDG_DOMAINS = [
    ("migrant-rights", "Migrant rights"),
    ("whole-of-government", "Whole-of-government / evidence-based policies"),
    ("cooperation", "Cooperation and partnerships"),
    ("socioeconomic", "Socioeconomic well-being"),
    ("crises", "Mobility dimensions of crises"),
    ("safe-orderly-regular", "Safe, orderly and regular migration"),
]

GCM_OBJECTIVES = [
    "Collect and utilize accurate and disaggregated data as a basis for evidence-based policies",
    "Minimize the adverse drivers and structural factors that compel people to leave their country of origin",
    "Provide accurate and timely information at all stages of migration",
    "Ensure that all migrants have proof of legal identity and adequate documentation",
    "Enhance availability and flexibility of pathways for regular migration",
    "Facilitate fair and ethical recruitment and safeguard conditions that ensure decent work",
    "Address and reduce vulnerabilities in migration",
    "Save lives and establish coordinated international efforts on missing migrants",
    "Strengthen the transnational response to smuggling of migrants",
    "Prevent, combat and eradicate trafficking in persons in the context of international migration",
    "Manage borders in an integrated, secure and coordinated manner",
    "Strengthen certainty and predictability in migration procedures for appropriate screening, assessment and referral",
    "Use migration detention only as a measure of last resort and work towards alternatives",
    "Enhance consular protection, assistance and cooperation throughout the migration cycle",
    "Provide access to basic services for migrants",
    "Empower migrants and societies to realize full inclusion and social cohesion",
    "Eliminate all forms of discrimination and promote evidence-based public discourse to shape perceptions of migration",
    "Invest in skills development and facilitate mutual recognition of skills, qualifications and competences",
    "Create conditions for migrants and diasporas to fully contribute to sustainable development in all countries",
    "Promote faster, safer and cheaper transfer of remittances and foster financial inclusion of migrants",
    "Cooperate in facilitating safe and dignified return and readmission, as well as sustainable reintegration",
    "Establish mechanisms for the portability of social security entitlements and earned benefits",
    "Strengthen international cooperation and global partnerships for safe, orderly and regular migration",
]


def create_reference_lists(apps, schema_editor):
    KeyElement = apps.get_model("assessments", "KeyElement")
    PolicySector = apps.get_model("assessments", "PolicySector")
    SdgDomain = apps.get_model("assessments", "SdgDomain")
    GcmObjective = apps.get_model("assessments", "GcmObjective")
    for code, title in KEY_ELEMENTS:
        KeyElement.objects.update_or_create(code=code, defaults={"title": title})
    for code, name in POLICY_SECTORS:
        PolicySector.objects.update_or_create(code=code, defaults={"name": name})
    for order, (code, name) in enumerate(SDG_DOMAINS, start=1):
        SdgDomain.objects.update_or_create(code=code, defaults={"name": name, "order": order})
    for number, title in enumerate(GCM_OBJECTIVES, start=1):
        GcmObjective.objects.update_or_create(number=number, defaults={"title": title})


class Migration(migrations.Migration):
    dependencies = [("assessments", "0001_framework")]

    operations = [migrations.RunPython(create_reference_lists, migrations.RunPython.noop)]
