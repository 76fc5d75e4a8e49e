/**
 * Keeps the documentation of properties in the declaration files of inferred types.
 *
 * tsc writes an inferred type into a `.d.ts` as a copy of its structure, and copies a
 * property's doc comment only when the property is declared in the file being emitted.
 * The props types here are inferred from valibot schemas, and an environment's sections
 * are the constructs' props schemas reshaped (`adapt` in constructs/settings-schema.ts),
 * so without this `environments/schema.d.ts` would describe `database.backupRetentionDays`
 * with no word of its documentation, and an app's editor would show none.
 *
 * This transformer runs on each declaration file before it is printed: it walks the type
 * node of every variable beside the checker's type of the variable, and gives each
 * property signature without a comment the documentation of the property it stands for.
 */
import ts from "typescript";

/** A declaration-file transformer for the program's emit (`afterDeclarations`). */
export function keepPropertyDocs(program: ts.Program): ts.TransformerFactory<ts.SourceFile | ts.Bundle> {
  const checker = program.getTypeChecker();
  return (context) => (file) => {
    if (!ts.isSourceFile(file)) return file;
    const visit = (node: ts.Node): ts.Node => {
      if (ts.isVariableDeclaration(node) && node.type !== undefined) {
        const original = ts.getOriginalNode(node);
        if (ts.isVariableDeclaration(original)) {
          document(node.type, checker.getTypeAtLocation(original.name), checker);
        }
        return node;
      }
      return ts.visitEachChild(node, visit, context);
    };
    return ts.visitEachChild(file, visit, context);
  };
}

/**
 * Walks a type node beside the type it was written from: where the two have the same
 * shape (an object type's properties, a generic's type arguments, the members of a union,
 * intersection or tuple), property signatures without a comment get their property's.
 * Where the shapes part, the walk stops: a node is only ever given its own property's words.
 */
function document(node: ts.TypeNode, type: ts.Type, checker: ts.TypeChecker): void {
  if (ts.isParenthesizedTypeNode(node) || ts.isTypeOperatorNode(node)) {
    document(node.type, type, checker);
  } else if (ts.isTypeLiteralNode(node)) {
    for (const member of node.members) {
      if (!ts.isPropertySignature(member) || member.type === undefined) continue;
      const name = ts.isIdentifier(member.name) || ts.isStringLiteral(member.name) ? member.name.text : undefined;
      const property = name === undefined ? undefined : type.getProperty(name);
      if (property === undefined) continue;
      // A range in the source: tsc prints that declaration's own comment, if it has one.
      if (ts.getCommentRange(member).pos < 0 && ts.getSyntheticLeadingComments(member) === undefined) {
        const comment = docComment(property, checker);
        if (comment !== undefined) ts.addSyntheticLeadingComment(member, ts.SyntaxKind.MultiLineCommentTrivia, comment, true);
      }
      document(member.type, checker.getTypeOfSymbol(property), checker);
    }
  } else if ((ts.isTypeReferenceNode(node) || ts.isImportTypeNode(node)) && node.typeArguments !== undefined) {
    pairwise(node.typeArguments, typeArguments(type, checker), checker);
  } else if (ts.isUnionTypeNode(node) || ts.isIntersectionTypeNode(node)) {
    if (type.isUnionOrIntersection()) pairwise(node.types, type.types, checker);
  } else if (ts.isTupleTypeNode(node)) {
    pairwise(
      node.elements.map((element) => (ts.isNamedTupleMember(element) ? element.type : element)),
      checker.isTupleType(type) ? checker.getTypeArguments(type as ts.TypeReference) : [],
      checker,
    );
  } else if (ts.isArrayTypeNode(node)) {
    const element = checker.isArrayType(type) ? checker.getTypeArguments(type as ts.TypeReference)[0] : undefined;
    if (element !== undefined) document(node.elementType, element, checker);
  }
}

/** Pairs nodes with types one to one; lists of different lengths do not have the same shape. */
function pairwise(nodes: readonly ts.TypeNode[], types: readonly ts.Type[], checker: ts.TypeChecker): void {
  if (nodes.length !== types.length) return;
  nodes.forEach((node, i) => document(node, types[i], checker));
}

/** The type arguments a reference was printed with: an alias's (`Pick<T, K>`) or a generic interface's. */
function typeArguments(type: ts.Type, checker: ts.TypeChecker): readonly ts.Type[] {
  if (type.aliasTypeArguments !== undefined) return type.aliasTypeArguments;
  return type.flags & ts.TypeFlags.Object && (type as ts.ObjectType).objectFlags & ts.ObjectFlags.Reference
    ? checker.getTypeArguments(type as ts.TypeReference)
    : [];
}

/** A property's documentation and tags as the body of a `/** ... *\/` comment, or undefined without any. */
function docComment(property: ts.Symbol, checker: ts.TypeChecker): string | undefined {
  const text = ts.displayPartsToString(property.getDocumentationComment(checker));
  const tags = property.getJsDocTags(checker).map((tag) => `@${tag.name}${tag.text ? ` ${ts.displayPartsToString(tag.text)}` : ""}`);
  const lines = [...(text ? text.split("\n") : []), ...tags.flatMap((tag) => tag.split("\n"))];
  if (lines.length === 0) return undefined;
  return `*\n${lines.map((line) => ` * ${line}`.trimEnd()).join("\n")}\n `;
}
