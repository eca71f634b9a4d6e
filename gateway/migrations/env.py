from crmkit.migrate import run_env
from tidtam_gateway.models import metadata

run_env(metadata)
