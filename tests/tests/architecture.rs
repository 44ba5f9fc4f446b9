//! The architecture, checked over the source so that it stays true. In the core: the pure domain
//! at the bottom, the adapters (the store, the search index kept current, mail delivery and the
//! sender, the keyring, this PC's configuration) above it, the operations (`Guichet`, one module
//! per feature) on top; each folder is one layer, a file imports only files of its own layer or
//! below, no folders import each other in a loop, no public item hands out a connection pool,
//! nothing skips the role check, SQL is written in `store/` only. In every crate: no files import
//! each other in a loop, and no production file is longer than [`MAX_CODE_LINES`] lines of code
//! (tests apart). The shells sit above the core by construction: they are other crates.

use std::collections::{BTreeMap, BTreeSet};
use std::fmt::Write as _;
use std::path::{Path, PathBuf};

use proc_macro2::{TokenStream, TokenTree};
use quote::ToTokens;
use syn::visit::Visit;

/// Lines of code a production file may hold, blank lines, comments and its tests apart.
const MAX_CODE_LINES: usize = 400;

#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
enum Layer {
    /// The vocabulary and the rules: no database, no network, no file but the embedded data.
    Domain = 1,
    /// What talks to the world: the database, the SMTP server, the keyring, this PC's files.
    Adapter = 2,
    /// The `Guichet` API the shells call, each operation with the agent's session.
    Operations = 3,
}

/// Each top-level module of the core and its layer: a folder is one layer, so that the tree
/// shows the layers. A new top-level module must be placed here, on purpose.
const LAYERS: &[(&str, Layer)] = &[
    ("text", Layer::Domain),
    ("arena", Layer::Domain),
    ("csv_export", Layer::Domain),
    ("portal_time", Layer::Domain),
    ("model", Layer::Domain),
    ("error", Layer::Domain),
    ("secrets", Layer::Domain),
    ("agents", Layer::Domain),
    ("associations", Layer::Domain),
    ("links", Layer::Domain),
    ("search", Layer::Domain),
    ("diagnosis", Layer::Domain),
    ("audit", Layer::Domain),
    ("initialisation", Layer::Domain),
    ("campaign", Layer::Domain),
    ("mail", Layer::Domain),
    ("annuaire", Layer::Domain),
    ("demo", Layer::Adapter),
    ("store", Layer::Adapter),
    ("live_index", Layer::Adapter),
    ("delivery", Layer::Adapter),
    ("sender", Layer::Adapter),
    ("keyring", Layer::Adapter),
    ("config", Layer::Adapter),
    ("mailbox", Layer::Adapter),
    ("recent", Layer::Adapter),
    ("operations", Layer::Operations),
];

fn layer_of(module: &str) -> Option<Layer> {
    LAYERS
        .iter()
        .find(|(name, _)| *name == top_level(module))
        .map(|(_, layer)| *layer)
}

/// The folder (or file) directly under `src/` that holds `module`.
fn top_level(module: &str) -> &str {
    module.split("::").next().unwrap_or(module)
}

/// One production file of the core: its module path (`agents::password`) and its syntax.
struct SourceFile {
    path: PathBuf,
    text: String,
    syntax: syn::File,
    /// The child modules it declares with `mod name;` outside tests.
    children: BTreeSet<String>,
    /// The names it hands on (`pub use role::Role`), each with the path it takes it from: a
    /// path through this module leads to the module that defines the name.
    reexports: BTreeMap<String, Vec<String>>,
}

fn is_reexport(item: &syn::ItemUse) -> bool {
    !matches!(item.vis, syn::Visibility::Inherited)
}

fn is_test_only(attrs: &[syn::Attribute]) -> bool {
    attrs.iter().any(|attr| {
        attr.path().is_ident("cfg") && attr.to_token_stream().to_string().contains("test")
    })
}

/// Every production module of the core, found from `lib.rs` through its `mod` declarations.
fn read_crate(root: &Path) -> BTreeMap<String, SourceFile> {
    let mut files = BTreeMap::new();
    let mut pending = vec![(String::new(), root.to_path_buf())];
    while let Some((module, path)) = pending.pop() {
        let text = std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("{path:?}: {e}"));
        let syntax = syn::parse_file(&text).unwrap_or_else(|e| panic!("{path:?}: {e}"));
        let dir = if module.is_empty() || path.ends_with("mod.rs") {
            path.parent().unwrap().to_path_buf()
        } else {
            path.with_extension("")
        };
        let mut children = BTreeSet::new();
        for item in &syntax.items {
            if let syn::Item::Mod(declared) = item
                && declared.content.is_none()
                && !is_test_only(&declared.attrs)
            {
                let name = declared.ident.to_string();
                let file = dir.join(format!("{name}.rs"));
                let file = if file.exists() {
                    file
                } else {
                    dir.join(&name).join("mod.rs")
                };
                let child = join(&module, &name);
                pending.push((child, file));
                children.insert(name);
            }
        }
        let mut reexports = BTreeMap::new();
        for item in &syntax.items {
            if let syn::Item::Use(used) = item
                && is_reexport(used)
            {
                let mut paths = Paths::default();
                paths.use_tree(&mut Vec::new(), &used.tree);
                for path in paths.0 {
                    if let Some(name) = path.last() {
                        reexports.insert(name.clone(), path);
                    }
                }
            }
        }
        files.insert(
            module,
            SourceFile {
                path,
                text,
                syntax,
                children,
                reexports,
            },
        );
    }
    files
}

fn join(module: &str, name: &str) -> String {
    if module.is_empty() {
        name.to_owned()
    } else {
        format!("{module}::{name}")
    }
}

fn parent(module: &str) -> String {
    module
        .rsplit_once("::")
        .map_or(String::new(), |(parent, _)| parent.to_owned())
}

/// The paths a file names, as written (`crate::store::Store`, `super::Agent`), tests apart.
#[derive(Default)]
struct Paths(Vec<Vec<String>>);

impl Paths {
    fn use_tree(&mut self, prefix: &mut Vec<String>, tree: &syn::UseTree) {
        match tree {
            syn::UseTree::Path(path) => {
                prefix.push(path.ident.to_string());
                self.use_tree(prefix, &path.tree);
                prefix.pop();
            }
            syn::UseTree::Name(name) => self.push(prefix, &name.ident),
            syn::UseTree::Rename(rename) => self.push(prefix, &rename.ident),
            syn::UseTree::Glob(_) => self.0.push(prefix.clone()),
            syn::UseTree::Group(group) => {
                for tree in &group.items {
                    self.use_tree(prefix, tree);
                }
            }
        }
    }

    fn push(&mut self, prefix: &[String], last: &syn::Ident) {
        let mut path = prefix.to_vec();
        if last != "self" {
            path.push(last.to_string());
        }
        self.0.push(path);
    }

    /// `crate :: a :: b` sequences inside macro bodies, which syn leaves as tokens.
    fn tokens(&mut self, tokens: TokenStream) {
        let tokens: Vec<TokenTree> = tokens.into_iter().collect();
        let mut i = 0;
        while i < tokens.len() {
            if let TokenTree::Group(group) = &tokens[i] {
                self.tokens(group.stream());
            }
            let starts_a_path = |at: usize| {
                matches!(tokens.get(at), Some(TokenTree::Punct(p)) if p.as_char() == ':')
                    && matches!(tokens.get(at + 1), Some(TokenTree::Punct(p)) if p.as_char() == ':')
            };
            // `crate::a`, `super::a`, or `child::item` (a command list names its handlers so).
            if matches!(&tokens[i], TokenTree::Ident(id) if id == "crate" || id == "super")
                || (matches!(&tokens[i], TokenTree::Ident(_)) && starts_a_path(i + 1))
            {
                let mut path = vec![tokens[i].to_string()];
                let mut j = i + 1;
                while j + 2 < tokens.len() + 1
                    && matches!(tokens.get(j), Some(TokenTree::Punct(p)) if p.as_char() == ':')
                    && matches!(tokens.get(j + 1), Some(TokenTree::Punct(p)) if p.as_char() == ':')
                {
                    match tokens.get(j + 2) {
                        Some(TokenTree::Ident(id)) => path.push(id.to_string()),
                        _ => break,
                    }
                    j += 3;
                }
                self.0.push(path);
                i = j;
                continue;
            }
            i += 1;
        }
    }
}

impl<'ast> Visit<'ast> for Paths {
    fn visit_item_use(&mut self, item: &'ast syn::ItemUse) {
        // What a module hands on is not its own import: a path through it is followed instead.
        if !is_reexport(item) {
            self.use_tree(&mut Vec::new(), &item.tree);
        }
    }
    fn visit_path(&mut self, path: &'ast syn::Path) {
        // A path of one segment is a local name (a variable may share a module's name); a
        // module's item is named with at least two.
        if path.segments.len() > 1 {
            self.0
                .push(path.segments.iter().map(|s| s.ident.to_string()).collect());
        }
        syn::visit::visit_path(self, path);
    }
    fn visit_macro(&mut self, mac: &'ast syn::Macro) {
        self.tokens(mac.tokens.clone());
    }
    fn visit_item_mod(&mut self, item: &'ast syn::ItemMod) {
        if !is_test_only(&item.attrs) {
            syn::visit::visit_item_mod(self, item);
        }
    }
    fn visit_item_fn(&mut self, item: &'ast syn::ItemFn) {
        if !is_test_only(&item.attrs) {
            syn::visit::visit_item_fn(self, item);
        }
    }
    fn visit_item_impl(&mut self, item: &'ast syn::ItemImpl) {
        if !is_test_only(&item.attrs) {
            syn::visit::visit_item_impl(self, item);
        }
    }
}

/// The module a written path names, as far as it names one of `files` (its longest prefix),
/// through the names modules hand on.
fn resolve(files: &BTreeMap<String, SourceFile>, from: &str, path: &[String]) -> Option<String> {
    resolve_within(files, from, path, 8)
}

fn resolve_within(
    files: &BTreeMap<String, SourceFile>,
    from: &str,
    path: &[String],
    depth: usize,
) -> Option<String> {
    let mut module = match path.first()?.as_str() {
        "crate" => String::new(),
        "super" => parent(from),
        "self" => from.to_owned(),
        first if files[from].children.contains(first) => from.to_owned(),
        _ => return None,
    };
    let rest = match path[0].as_str() {
        "crate" | "super" | "self" => &path[1..],
        _ => path,
    };
    for (at, segment) in rest.iter().enumerate() {
        if segment == "super" {
            module = parent(&module);
            continue;
        }
        let child = join(&module, segment);
        if files.contains_key(&child) {
            module = child;
            continue;
        }
        if let Some(origin) = files[&module].reexports.get(segment)
            && depth > 0
        {
            let mut through = origin.clone();
            through.extend(rest[at + 1..].iter().cloned());
            return resolve_within(files, &module, &through, depth - 1).or(Some(module));
        }
        break;
    }
    Some(module)
}

/// Which module imports which, from each production file's paths.
fn imports(files: &BTreeMap<String, SourceFile>) -> BTreeMap<String, BTreeSet<String>> {
    files
        .iter()
        .map(|(module, file)| {
            let mut paths = Paths::default();
            paths.visit_file(&file.syntax);
            let targets = paths
                .0
                .iter()
                .filter_map(|path| resolve(files, module, path))
                .filter(|target| target != module && !target.is_empty())
                .collect();
            (module.clone(), targets)
        })
        .collect()
}

/// The workspace's crates, each by its root file.
const CRATES: &[&str] = &[
    "src-tauri/crates/guichet-core/src/lib.rs",
    "src-tauri/crates/guichet-bench/src/lib.rs",
    "src-tauri/crates/guichet-admin/src/main.rs",
    "src-tauri/src/main.rs",
    "tests/src/lib.rs",
];

fn workspace() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .parent()
        .unwrap()
        .to_path_buf()
}

fn core_files() -> BTreeMap<String, SourceFile> {
    read_crate(&workspace().join(CRATES[0]))
}

fn every_crate() -> Vec<(&'static str, BTreeMap<String, SourceFile>)> {
    CRATES
        .iter()
        .map(|root| (*root, workspace().join(root)))
        .filter(|(_, path)| path.exists())
        .map(|(root, path)| (root, read_crate(&path)))
        .collect()
}

#[test]
fn every_module_has_a_layer() {
    let files = core_files();
    let unplaced: Vec<&String> = files
        .keys()
        .filter(|module| !module.is_empty() && layer_of(module).is_none())
        .collect();
    assert!(
        unplaced.is_empty(),
        "modules with no layer in LAYERS: {unplaced:?}"
    );
}

/// Each import of `files` that runs from a layer to one above it.
fn upward_imports(files: &BTreeMap<String, SourceFile>) -> Vec<String> {
    let mut upward = Vec::new();
    for (module, targets) in imports(files) {
        let Some(layer) = layer_of(&module) else {
            continue;
        };
        for target in targets {
            if let Some(above) = layer_of(&target).filter(|above| *above > layer) {
                upward.push(format!("{module} ({layer:?}) imports {target} ({above:?})"));
            }
        }
    }
    upward
}

/// Each loop of imports among `files`, as `a -> b -> a`.
fn cycles(files: &BTreeMap<String, SourceFile>) -> Vec<String> {
    let graph = imports(files);
    let mut found = Vec::new();
    let mut done = BTreeSet::new();
    for start in graph.keys() {
        find_cycles(&graph, start, &mut Vec::new(), &mut done, &mut found);
    }
    found
}

#[test]
fn no_module_imports_one_above_it() {
    let upward = upward_imports(&core_files());
    assert!(
        upward.is_empty(),
        "imports that run back up:\n{}",
        upward.join("\n")
    );
}

#[test]
fn no_modules_import_each_other_in_a_loop() {
    let mut found = Vec::new();
    for (root, files) in every_crate() {
        found.extend(
            cycles(&files)
                .into_iter()
                .map(|cycle| format!("{root}: {cycle}")),
        );
    }
    assert!(
        found.is_empty(),
        "modules that import each other in a loop:\n{}",
        found.join("\n")
    );
}

/// Each loop among the top-level modules, the folders seen from afar: a folder whose files
/// import a folder that imports it back mixes two layers.
fn folder_cycles(files: &BTreeMap<String, SourceFile>) -> Vec<String> {
    let mut graph: BTreeMap<String, BTreeSet<String>> = BTreeMap::new();
    for (module, targets) in imports(files) {
        let from = top_level(&module).to_string();
        for target in targets {
            let to = top_level(&target).to_string();
            if to != from {
                graph.entry(from.clone()).or_default().insert(to);
            }
        }
    }
    let mut found = Vec::new();
    let mut done = BTreeSet::new();
    for start in graph.keys() {
        find_cycles(&graph, start, &mut Vec::new(), &mut done, &mut found);
    }
    found.sort();
    found
}

#[test]
fn no_folders_import_each_other_in_a_loop() {
    let found = folder_cycles(&core_files());
    assert!(
        found.is_empty(),
        "folders of the core that import each other in a loop:\n{}",
        found.join("\n")
    );
}

/// The window, the command line and the benchmarks hold no store: what they read or change goes
/// through the operations, with a session.
#[test]
fn the_shells_reach_data_through_the_operations_only() {
    let reaching: Vec<String> = every_crate()
        .into_iter()
        .filter(|(root, _)| !root.contains("guichet-core") && !root.starts_with("tests/"))
        .flat_map(|(_, files)| files.into_values())
        .filter(|file| file.text.contains("guichet_core::store"))
        .map(|file| file.path.display().to_string())
        .collect();
    assert!(
        reaching.is_empty(),
        "shells that reach the store: {reaching:?}"
    );
}

/// The checks themselves, on a small crate written for them: they see a loop of files and one of
/// folders, an import that runs back up, and follow a name a module hands on to the file that defines it.
#[test]
fn the_checks_see_loops_an_upward_import_and_a_name_handed_on() {
    let dir = tempfile::tempdir().expect("folder");
    let write = |path: &str, text: &str| {
        let path = dir.path().join(path);
        std::fs::create_dir_all(path.parent().unwrap()).expect("folder");
        std::fs::write(path, text).expect("written");
    };
    write(
        "lib.rs",
        "mod error;\nmod links;\nmod model;\nmod store;\nmod text;\nfn all() { list![store::Store, model::Uai]; }\n",
    );
    write(
        "error.rs",
        "use crate::store::Store;\npub struct Error(Store);\n",
    );
    write(
        "store.rs",
        "use crate::error::Error;\nuse crate::model::Uai;\npub struct Store;\n",
    );
    write("model/mod.rs", "mod name;\nmod uai;\npub use uai::Uai;\n");
    write("model/uai.rs", "pub struct Uai;\n");
    // Two folders that import each other through different files: no loop of files, one of
    // folders.
    write("model/name.rs", "use crate::links::Link;\n");
    write(
        "links.rs",
        "use crate::model::uai::Uai;\npub struct Link(Uai);\n",
    );
    // A variable named like a module is not an import of it.
    write("text.rs", "fn fold(model: u8) -> u8 { model }\n");
    let files = read_crate(&dir.path().join("lib.rs"));
    let graph = imports(&files);
    assert_eq!(
        graph["store"],
        BTreeSet::from(["error".into(), "model::uai".into()])
    );
    assert!(graph["text"].is_empty(), "{:?}", graph["text"]);
    // Paths inside a macro's tokens count (lib.rs is the root, whose edges are not kept).
    let mut paths = Paths::default();
    paths.visit_file(&files[""].syntax);
    assert!(
        paths
            .0
            .contains(&vec!["store".to_string(), "Store".to_string()])
    );
    assert!(
        graph["model"].is_empty(),
        "a face's names are not its imports"
    );
    assert_eq!(cycles(&files), ["error -> store -> error"]);
    assert_eq!(
        folder_cycles(&files),
        ["error -> store -> error", "links -> model -> links"]
    );
    assert_eq!(
        upward_imports(&files),
        ["error (Domain) imports store (Adapter)"]
    );
}

fn find_cycles(
    graph: &BTreeMap<String, BTreeSet<String>>,
    module: &String,
    stack: &mut Vec<String>,
    done: &mut BTreeSet<String>,
    cycles: &mut Vec<String>,
) {
    if let Some(at) = stack.iter().position(|m| m == module) {
        // Each loop written once, from its first module in order, whichever way it was met.
        let mut cycle = stack[at..].to_vec();
        let first = (0..cycle.len()).min_by_key(|i| &cycle[*i]).unwrap_or(0);
        cycle.rotate_left(first);
        cycle.push(cycle[0].clone());
        cycles.push(cycle.join(" -> "));
        return;
    }
    if done.contains(module) {
        return;
    }
    stack.push(module.clone());
    for target in graph.get(module).into_iter().flatten() {
        find_cycles(graph, target, stack, done, cycles);
    }
    stack.pop();
    done.insert(module.clone());
}

/// Whether an item's tokens name a connection pool.
fn names_a_pool(tokens: TokenStream) -> bool {
    tokens.into_iter().any(|token| match token {
        TokenTree::Ident(ident) => {
            let ident = ident.to_string();
            ident.ends_with("Pool") || ident == "PoolConnection"
        }
        TokenTree::Group(group) => names_a_pool(group.stream()),
        _ => false,
    })
}

fn is_public(vis: &syn::Visibility) -> bool {
    matches!(vis, syn::Visibility::Public(_))
}

#[test]
fn no_public_item_hands_out_a_pool_or_skips_the_role_check() {
    let mut found = String::new();
    for (module, file) in core_files() {
        let mut public = Vec::new();
        for item in &file.syntax.items {
            match item {
                syn::Item::Fn(f) if is_public(&f.vis) => public.push(f.sig.to_token_stream()),
                syn::Item::Struct(s) if is_public(&s.vis) => {
                    for field in s.fields.iter().filter(|f| is_public(&f.vis)) {
                        public.push(field.ty.to_token_stream());
                    }
                }
                syn::Item::Enum(e) if is_public(&e.vis) => public.push(e.to_token_stream()),
                syn::Item::Impl(i) if !is_test_only(&i.attrs) => {
                    for inner in &i.items {
                        if let syn::ImplItem::Fn(f) = inner
                            && is_public(&f.vis)
                        {
                            public.push(f.sig.to_token_stream());
                        }
                    }
                }
                _ => {}
            }
        }
        for tokens in public {
            let text = tokens.to_string();
            if names_a_pool(tokens) {
                writeln!(found, "{module}: public `{text}` names a pool").unwrap();
            }
        }
        if file.text.contains("_unchecked") {
            writeln!(
                found,
                "{module}: an operation `…_unchecked` skips the role check"
            )
            .unwrap();
        }
    }
    assert!(found.is_empty(), "{found}");
}

#[test]
fn sql_is_written_in_the_store_only() {
    let outside: Vec<String> = core_files()
        .into_iter()
        .filter(|(module, _)| module != "store" && !module.starts_with("store::"))
        .filter(|(_, file)| {
            let code = production_part(&file.text);
            ["sqlx::query", "query_as(", "query_scalar(", "QueryBuilder"]
                .iter()
                .any(|needle| code.contains(needle))
        })
        .map(|(module, _)| module)
        .collect();
    assert!(outside.is_empty(), "SQL outside store/: {outside:?}");
}

/// A file's text before its unit tests (the `#[cfg(test)]` module at its end).
fn production_part(text: &str) -> &str {
    match text.find("\n#[cfg(test)]\nmod ") {
        Some(at) => &text[..at],
        None => text,
    }
}

fn code_lines(text: &str) -> usize {
    production_part(text)
        .lines()
        .map(str::trim)
        .filter(|line| !line.is_empty() && !line.starts_with("//"))
        .count()
}

#[test]
fn no_production_file_does_too_many_jobs() {
    let long: Vec<String> = every_crate()
        .iter()
        .filter(|(root, _)| !root.starts_with("tests/"))
        .flat_map(|(_, files)| files.values())
        .filter(|file| code_lines(&file.text) > MAX_CODE_LINES)
        .map(|file| format!("{} ({} lines)", file.path.display(), code_lines(&file.text)))
        .collect();
    assert!(
        long.is_empty(),
        "files over {MAX_CODE_LINES} lines of code: {long:?}"
    );
}
