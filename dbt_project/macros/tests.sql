{#-
    Generic test: the combination of columns is unique (no package needed). Optionally only over
    the rows of the `recent_days` before the build's cut-off (by the date column `period`), or
    only over the weeks this build rebuilt of an incremental model (`rebuilt_weeks_only`).
-#}
{% test unique_combination_of_columns(model, columns, period=none, recent_days=none, rebuilt_weeks_only=false) %}
    select {{ columns | join(', ') }}, count(*) as n
    from {{ model }}
    {%- if recent_days %}
    where {{ period }} > cast(timezone('Asia/Shanghai', {{ period_cutoff() }}) as date) - {{ recent_days }}
    {%- elif rebuilt_weeks_only %}
    where build.rebuilds_week('{{ model.identifier }}', week_id)
    {%- endif %}
    group by {{ columns | join(', ') }}
    having count(*) > 1
{% endtest %}
