import type { ResourceDef } from '../registry.ts';
import { authorizeAccess } from '../service/authorizer.ts';
import { selfSubjectAccessReview, subjectAccessReview, tokenReview } from '../service/reviews.ts';
import { rulesFor, selfSubjectRulesReview } from '../service/rules-review.ts';
import { authenticateToken } from './auth.ts';
import type { ResourceCall } from './resource-handlers.ts';
import { parseJsonBody, sendJson } from './respond.ts';

/**
 * The create-only review resources (tokenreviews, subjectaccessreviews, selfsubjectaccessreviews, selfsubjectrulesreviews): decoded like any create,
 * answered from the sim's authenticator and authorizer, never stored.
 */
export function reviewHandler(def: ResourceDef): ((call: ResourceCall) => void) | undefined {
  if (def.group === 'authentication.k8s.io' && def.resource === 'tokenreviews') {
    return (call) => {
      const obj = call.ctx.service.decode(
        def,
        parseJsonBody(call.req.body as Buffer | undefined, call.req.headers['content-type'], def.kind),
      );
      sendJson(call.reply, 201, JSON.stringify(tokenReview(obj, (token) => authenticateToken(token, call.ctx.tokens))));
    };
  }
  if (def.group === 'authorization.k8s.io' && def.resource === 'subjectaccessreviews') {
    return (call) => {
      const obj = call.ctx.service.decode(
        def,
        parseJsonBody(call.req.body as Buffer | undefined, call.req.headers['content-type'], def.kind),
      );
      sendJson(
        call.reply,
        201,
        JSON.stringify(
          subjectAccessReview(obj, (who, attrs) => authorizeAccess(call.ctx.store, call.ctx.registry, who, attrs)),
        ),
      );
    };
  }
  if (def.group === 'authorization.k8s.io' && def.resource === 'selfsubjectaccessreviews') {
    return (call) => {
      const obj = call.ctx.service.decode(
        def,
        parseJsonBody(call.req.body as Buffer | undefined, call.req.headers['content-type'], def.kind),
      );
      const caller = { user: call.user.name, groups: call.user.groups };
      sendJson(
        call.reply,
        201,
        JSON.stringify(
          selfSubjectAccessReview(obj, caller, (who, attrs) =>
            authorizeAccess(call.ctx.store, call.ctx.registry, who, attrs),
          ),
        ),
      );
    };
  }
  if (def.group === 'authorization.k8s.io' && def.resource === 'selfsubjectrulesreviews') {
    return (call) => {
      const obj = call.ctx.service.decode(
        def,
        parseJsonBody(call.req.body as Buffer | undefined, call.req.headers['content-type'], def.kind),
      );
      const caller = { user: call.user.name, groups: call.user.groups };
      sendJson(
        call.reply,
        201,
        JSON.stringify(
          selfSubjectRulesReview(obj, caller, (who, ns) => rulesFor(call.ctx.store, call.ctx.registry, who, ns)),
        ),
      );
    };
  }
  return undefined;
}
