-- What a harness needs to run plan $plan_id: each prompt's ids, canonical text, options and answer, in plan order.
SELECT pp.position, p.prompt_id, p.benchmark, p.item_id, pp.category, p.text, p.options, p.answer
FROM coldstart_plan_prompts pp
JOIN prompts p USING (prompt_id)
WHERE pp.plan_id = $plan_id
ORDER BY pp.position;
