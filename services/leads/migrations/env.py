from crmkit.migrate import run_env
from tidtam_leads.db import all_metadata

run_env(all_metadata())
