//! The logical structure (tag tree) as it is built during layout: groups
//! with tags, and numbered slots for the content drawn later, on whatever
//! page it lands. Once the pages are drawn, the slots hold krilla's
//! identifiers and the tree becomes krilla's tag tree.

use krilla::tagging::{Identifier, Node, TagGroup, TagKind, TagTree};

/// A group of the tree.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(super) struct NodeId(usize);

/// A place for one piece of content (a marked text or graphic, or an annotation).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(super) struct SlotId(usize);

impl SlotId {
    /// Its position in [`Structure::identifiers`].
    pub fn index(self) -> usize {
        self.0
    }
}

/// Where a new group or slot goes.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(super) enum Parent {
    Root,
    Node(NodeId),
}

enum Child {
    Node(NodeId),
    Slot(SlotId),
}

struct Group {
    tag: TagKind,
    children: Vec<Child>,
}

/// The tag tree being built, in reading order.
#[derive(Default)]
pub(super) struct Structure {
    groups: Vec<Group>,
    root: Vec<Child>,
    slots: usize,
}

impl Structure {
    /// A new group under `parent`, after its other children.
    pub fn group(&mut self, parent: Parent, tag: impl Into<TagKind>) -> NodeId {
        let id = NodeId(self.groups.len());
        self.groups.push(Group {
            tag: tag.into(),
            children: Vec::new(),
        });
        self.children(parent).push(Child::Node(id));
        id
    }

    /// A new slot under `parent`, after its other children.
    pub fn slot(&mut self, parent: Parent) -> SlotId {
        let id = SlotId(self.slots);
        self.slots += 1;
        self.children(parent).push(Child::Slot(id));
        id
    }

    fn children(&mut self, parent: Parent) -> &mut Vec<Child> {
        match parent {
            Parent::Root => &mut self.root,
            Parent::Node(NodeId(n)) => &mut self.groups[n].children,
        }
    }

    /// Room for the identifiers of every slot.
    pub fn identifiers(&self) -> Vec<Option<Identifier>> {
        vec![None; self.slots]
    }

    /// krilla's tag tree, with each slot replaced by its identifier (a slot
    /// that was never drawn is left out).
    pub fn into_tag_tree(self, ids: &[Option<Identifier>], lang: &str) -> TagTree {
        let mut groups: Vec<Option<Group>> = self.groups.into_iter().map(Some).collect();
        let children = convert(&self.root, &mut groups, ids);
        TagTree::from(children).with_lang(Some(lang.to_owned()))
    }
}

fn convert(
    children: &[Child],
    groups: &mut [Option<Group>],
    ids: &[Option<Identifier>],
) -> Vec<Node> {
    children
        .iter()
        .filter_map(|child| match child {
            Child::Slot(SlotId(n)) => ids.get(*n).copied().flatten().map(Node::Leaf),
            Child::Node(NodeId(n)) => {
                let group = groups[*n].take()?;
                let nodes = convert(&group.children, groups, ids);
                Some(Node::Group(TagGroup::with_children(group.tag, nodes)))
            }
        })
        .collect()
}
