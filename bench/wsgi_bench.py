"""The app gunicorn serves during the load test: the benchmark database and key ring."""

import os

import common

app = common.make_app(os.environ["BENCH_DATABASE_URL"])
