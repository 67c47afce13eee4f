/**
 * JSON Schema's words for people: a type list as ajv reports it ("boolean,null") in a sentence
 * ("a boolean or null"). The admin API's 400s and the scenario loader's refusals both say it so.
 */

/** "integer" is "an integer", "string" "a string", "null" itself. */
function typeWord(type: string): string {
  if (type === "null") return "null";
  return /^[aeiou]/.test(type) ? `an ${type}` : `a ${type}`;
}

/** ajv's type list in words: "boolean,null" is "a boolean or null"; "string,number,null" "a string, a number or null". */
export function typeWords(types: string): string {
  const words = types.split(",").map(typeWord);
  return words.length === 1 ? words[0]! : `${words.slice(0, -1).join(", ")} or ${words.at(-1)}`;
}
