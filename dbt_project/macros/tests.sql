{#-
    Generic test: the combination of columns is unique (no package needed). Optionally only over
    the rows of the `recent_days` before the build's cut-off (by the date column `period`). (A test
    of an incremental model by week tests the weeks the build rebuilt: where "__rebuilt_weeks__",
    macros/tested_weeks.sql.)
-#}
{% test unique_combination_of_columns(model, columns, period=none, recent_days=none) %}
    select {{ columns | join(', ') }}, count(*) as n
    from {{ model }}
    {%- if recent_days %}
    where {{ period }} > cast(timezone('Asia/Shanghai', {{ period_cutoff() }}) as date) - {{ recent_days }}
    {%- endif %}
    group by {{ columns | join(', ') }}
    having count(*) > 1
{% endtest %}
