from crmkit.migrate import run_env

run_env(None)
