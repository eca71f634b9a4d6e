from crmkit.migrate import run_env
from tidtam_insights.db import all_metadata

run_env(all_metadata())
