-- Scrubs secret query parameters (Gemini's ?key=AIza…, signed-URL signatures, tokens) from rows
-- stored before the proxy redacted them (custom migration, hand-written; made with
-- `drizzle-kit generate --custom`). The two functions repeat redactPath() and secretParamKey()
-- of packages/shared/src/redact.ts; the body rule is its SECRET_PARAM_IN_TEXT. redact.test.ts
-- runs both over the same cases. Temporary functions: nothing stays behind.
CREATE FUNCTION pg_temp.tokentap_param_key(raw text) RETURNS text
LANGUAGE plpgsql IMMUTABLE STRICT AS $$
DECLARE
  pieces text[] := string_to_array(raw, '%');
  decoded text := coalesce(pieces[1], '');
  c text;
BEGIN
  -- Single pass over %XX escapes: only letters, digits, '-' and '_' are decoded.
  FOR i IN 2 .. coalesce(array_length(pieces, 1), 1) LOOP
    c := NULL;
    IF pieces[i] ~ '^[0-9A-Fa-f]{2}' THEN
      c := chr(('x' || substr(pieces[i], 1, 2))::bit(8)::int);
    END IF;
    IF c IS NOT NULL AND strpos('ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_', c) > 0 THEN
      decoded := decoded || c || substr(pieces[i], 3);
    ELSE
      decoded := decoded || '%' || pieces[i];
    END IF;
  END LOOP;
  RETURN translate(
    translate(decoded, 'ABCDEFGHIJKLMNOPQRSTUVWXYZ', 'abcdefghijklmnopqrstuvwxyz'),
    '-_', '');
END
$$;
--> statement-breakpoint
CREATE FUNCTION pg_temp.tokentap_redact_path(target text) RETURNS text
LANGUAGE plpgsql IMMUTABLE STRICT AS $$
DECLARE
  q int := strpos(target, '?');
  rest text;
  result text;
  part text;
  eq int;
BEGIN
  IF q = 0 THEN
    RETURN target;
  END IF;
  result := substr(target, 1, q);
  rest := substr(target, q + 1);
  LOOP
    part := coalesce(substring(rest from '^[^&;#]*'), '');
    rest := substr(rest, length(part) + 1);
    eq := strpos(part, '=');
    IF eq > 1 AND length(part) > eq AND pg_temp.tokentap_param_key(substr(part, 1, eq - 1)) = ANY (ARRAY[
      'key', 'apikey', 'xapikey', 'xgoogapikey', 'apitoken', 'apisecret', 'subscriptionkey',
      'ocpapimsubscriptionkey', 'token', 'accesstoken', 'refreshtoken', 'idtoken', 'authtoken',
      'sessiontoken', 'privatetoken', 'oauthtoken', 'oauthsignature', 'jwt', 'auth',
      'authorization', 'code', 'clientsecret', 'secret', 'password', 'passwd', 'pwd',
      'credential', 'xamzsignature', 'xamzcredential', 'xamzsecuritytoken', 'awsaccesskeyid',
      'xgoogsignature', 'xgoogcredential', 'googleaccessid', 'signature', 'sig'
    ]) THEN
      part := substr(part, 1, eq) || '***';
    END IF;
    result := result || part;
    EXIT WHEN rest = '';
    result := result || substr(rest, 1, 1);
    rest := substr(rest, 2);
  END LOOP;
  RETURN result;
END
$$;
--> statement-breakpoint
-- One pass; the cheap filters (a query string holding a secret name's stem or a %-escape)
-- keep the function off rows that cannot change; unchanged rows are not rewritten.
UPDATE usage_events
SET path = pg_temp.tokentap_redact_path(path)
WHERE path LIKE '%?%'
  AND translate(lower(substr(path, strpos(path, '?'))), '-_', '')
    ~ '(key|token|secret|sig|auth|code|jwt|pass|pwd|cred|googleaccessid|%)'
  AND pg_temp.tokentap_redact_path(path) <> path;
--> statement-breakpoint
-- Bodies (kept only with body capture) can quote URLs: the same rule redact() applies to text.
CREATE FUNCTION pg_temp.tokentap_secret_param_re() RETURNS text
LANGUAGE sql IMMUTABLE AS $$
SELECT '([?&;#](?:key|api[-_]?key|x[-_]?api[-_]?key|x[-_]?goog[-_]?api[-_]?key|api[-_]?token|api[-_]?secret|subscription[-_]?key|ocp[-_]?apim[-_]?subscription[-_]?key|token|access[-_]?token|refresh[-_]?token|id[-_]?token|auth[-_]?token|session[-_]?token|private[-_]?token|oauth[-_]?token|oauth[-_]?signature|jwt|auth|authorization|code|client[-_]?secret|secret|password|passwd|pwd|credential|x[-_]?amz[-_]?signature|x[-_]?amz[-_]?credential|x[-_]?amz[-_]?security[-_]?token|awsaccesskeyid|x[-_]?goog[-_]?signature|x[-_]?goog[-_]?credential|googleaccessid|signature|sig)=)[^&;# \t\n\r\f\v"''<>]+'::text
$$;
--> statement-breakpoint
UPDATE exchange_bodies
SET
  request = regexp_replace(request, pg_temp.tokentap_secret_param_re(), '\1***', 'gi'),
  response = regexp_replace(response, pg_temp.tokentap_secret_param_re(), '\1***', 'gi')
WHERE request ~* pg_temp.tokentap_secret_param_re()
   OR response ~* pg_temp.tokentap_secret_param_re();
--> statement-breakpoint
DROP FUNCTION pg_temp.tokentap_secret_param_re();
--> statement-breakpoint
DROP FUNCTION pg_temp.tokentap_redact_path(text);
--> statement-breakpoint
DROP FUNCTION pg_temp.tokentap_param_key(text);
