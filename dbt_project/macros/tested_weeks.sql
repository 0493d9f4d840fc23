{#-
    Data tests of an incremental model by week test the weeks the build rebuilt.

    A data test of a replace_weeks model (macros/incremental.sql) configured with
        config:
          where: "__rebuilt_weeks__"
    reads only the rows of the weeks this `dbt build` rebuilt of that model: the placeholder
    becomes build.rebuilds_week('<model>', <its unique_key>) (the plan's macro, which is true for
    every week when the plan rebuilds the model in full). The rows of the other weeks did not
    change: they were tested by the build that wrote them. Every week is tested (the placeholder
    becomes `true`) by `dbt test`, by `dbt build --full-refresh`, when the model itself is not
    selected in this build (it was not rebuilt, so the plan does not describe its rows), and at
    parse time. dbt renders a test's `where` when it parses the project, so the choice has to be
    made here, at run time (dbt's documented way: a placeholder replaced in get_where_subquery).

    A scoped test may read other relations (a relationships test's `to`) only if the model is built
    from them: a change there then changes the model's definitions, and the plan rebuilds (and so
    tests) every week. Otherwise compilation fails, naming the test.
-#}
{% macro get_where_subquery(relation) -%}
    {%- set where = config.get('where', '') -%}
    {%- if where and '__rebuilt_weeks__' in where -%}
        {%- set where = where | replace('__rebuilt_weeks__', tested_weeks(relation)) -%}
    {%- endif -%}
    {%- if where -%}
        {%- set filtered -%}
            (select * from {{ relation }} where {{ where }}) dbt_subquery
        {%- endset -%}
        {%- do return(filtered) -%}
    {%- endif -%}
    {%- do return(relation) -%}
{%- endmacro %}

{#- The filter of the current test's rows to the weeks this build rebuilt of the model it tests. -#}
{% macro tested_weeks(relation) -%}
    {%- if not execute -%}{{ return('true') }}{%- endif -%}
    {%- set node = graph.nodes.get(model.attached_node) -%}
    {%- if node is none or node.config.materialized != 'incremental'
        or node.config.incremental_strategy != 'replace_weeks' -%}
        {{ exceptions.raise_compiler_error(
            model.name ~ ": where __rebuilt_weeks__ is only for tests of an incremental model by week "
            ~ "(incremental_strategy='replace_weeks'); " ~ (model.attached_node or 'its model') ~ " is not one") }}
    {%- endif -%}
    {%- set upstream = [] -%}
    {%- do _upstream_nodes(node.unique_id, upstream) -%}
    {%- for other in model.depends_on.nodes if other != node.unique_id and other not in upstream -%}
        {{ exceptions.raise_compiler_error(
            model.name ~ ": where __rebuilt_weeks__ scopes the test to the weeks " ~ node.name ~ " rebuilt, but the test "
            ~ "also reads " ~ other ~ ", which " ~ node.name ~ " is not built from (a change there would not "
            ~ "rebuild its weeks): test every week") }}
    {%- endfor -%}
    {%- if flags.WHICH != 'build' or flags.FULL_REFRESH or node.unique_id not in selected_resources -%}
        {{ return('true') }}
    {%- endif -%}
    {{ return("build.rebuilds_week('" ~ relation.identifier ~ "', " ~ node.config.unique_key ~ ")") }}
{%- endmacro %}

{#- Appends to `found` the unique ids of the nodes (models, seeds, snapshots) `unique_id` is built from. -#}
{% macro _upstream_nodes(unique_id, found) -%}
    {%- for parent in graph.nodes[unique_id].depends_on.nodes if parent in graph.nodes and parent not in found -%}
        {%- do found.append(parent) -%}
        {%- do _upstream_nodes(parent, found) -%}
    {%- endfor -%}
{%- endmacro %}
