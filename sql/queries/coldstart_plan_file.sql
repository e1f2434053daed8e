-- What a harness needs to run plan $plan_id: each prompt's ids, canonical text, options and answer, in plan order;
-- lm_eval_source names a source of its results in $lm_eval_formats (tasks.sources.LM_EVAL_FORMATS), if any (its item_id is then
-- '<doc_id>-<doc hash>', so the plan can be run with lm-eval's --samples).
SELECT pp.position, p.prompt_id, p.benchmark, p.item_id, pp.category, p.text, p.options, p.answer,
       (SELECT min(r.source) FROM results r
        WHERE r.prompt_id = p.prompt_id
          AND list_contains($lm_eval_formats, split_part(r.source, ':', 1))) AS lm_eval_source
FROM coldstart_plan_prompts pp
JOIN prompts p USING (prompt_id)
WHERE pp.plan_id = $plan_id
ORDER BY pp.position;
