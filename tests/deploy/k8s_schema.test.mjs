// The rendered Kubernetes manifests (`kubectl kustomize deploy/k8s`) against
// the Kubernetes API's own JSON schemas, as kubernetes-models (npm) packages
// them: no cluster runs here, so this is what `kubectl apply` would refuse
// for a malformed field.
import {test} from 'node:test';
import assert from 'node:assert/strict';
import {execFileSync} from 'node:child_process';
import {parseAllDocuments} from 'yaml';

const rendered = execFileSync('kubectl', ['kustomize', 'deploy/k8s'], {encoding: 'utf8'});
const documents = parseAllDocuments(rendered).map((d) => d.toJS()).filter(Boolean);

// The model class of a document: kubernetes-models/<group>/<version>/<Kind>.
async function modelOf(doc) {
  const module = await import(`kubernetes-models/${doc.apiVersion}/${doc.kind}`);
  return module[doc.kind];
}

test('every rendered manifest is valid against its API schema', async () => {
  assert.ok(documents.length >= 15, `rendered ${documents.length} documents`);
  for (const doc of documents) {
    const Model = await modelOf(doc);
    assert.doesNotThrow(() => new Model(doc).validate(),
                        `${doc.kind}/${doc.metadata?.name}`);
  }
});

test('a malformed manifest is refused (the validator does check)', async () => {
  const deployment = structuredClone(documents.find((d) => d.kind === 'Deployment'));
  deployment.spec.template.spec.containers[0].ports[0].containerPort = 'fifty';
  const Model = await modelOf(deployment);
  assert.throws(() => new Model(deployment).validate());
});
