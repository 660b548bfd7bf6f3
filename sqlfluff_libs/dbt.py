"""The `dbt.` cross-database macros that analyses call, stubbed for sqlfluff's jinja templater (.sqlfluff
library_path): DuckDB SQL of the same shape, as the macro stubs in .sqlfluff are for the project's own macros."""


def dateadd(datepart, interval, from_date_or_timestamp):
    return f"({from_date_or_timestamp} + interval ({interval}) {datepart})"


def date_trunc(datepart, date):
    return f"date_trunc('{datepart}', {date})"
