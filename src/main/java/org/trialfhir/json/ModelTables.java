package org.trialfhir.json;

import ca.uhn.fhir.context.BaseRuntimeChildDefinition;
import ca.uhn.fhir.context.BaseRuntimeDeclaredChildDefinition;
import ca.uhn.fhir.context.BaseRuntimeElementCompositeDefinition;
import ca.uhn.fhir.context.BaseRuntimeElementDefinition;
import ca.uhn.fhir.context.BaseRuntimeElementDefinition.ChildTypeEnum;
import ca.uhn.fhir.context.FhirContext;
import ca.uhn.fhir.context.RuntimeChildContainedResources;
import ca.uhn.fhir.context.RuntimeChildDeclaredExtensionDefinition;
import ca.uhn.fhir.context.RuntimeChildUndeclaredExtensionDefinition;
import ca.uhn.fhir.context.RuntimeResourceDefinition;
import java.lang.reflect.Field;
import java.lang.reflect.Modifier;
import java.lang.reflect.ParameterizedType;
import java.lang.reflect.TypeVariable;
import java.math.BigDecimal;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.hl7.fhir.instance.model.api.IBase;
import org.hl7.fhir.instance.model.api.IBaseBooleanDatatype;
import org.hl7.fhir.instance.model.api.IBaseDecimalDatatype;
import org.hl7.fhir.instance.model.api.IBaseHasModifierExtensions;
import org.hl7.fhir.instance.model.api.IBaseIntegerDatatype;
import org.hl7.fhir.instance.model.api.IBaseReference;
import org.hl7.fhir.r4.model.Element;
import org.hl7.fhir.r4.model.IdType;
import org.hl7.fhir.r4.model.PrimitiveType;
import org.hl7.fhir.r4.model.Resource;
import org.hl7.fhir.utilities.xhtml.XhtmlNode;

/**
 * What the encoder needs to know about each model class, computed once per class from HAPI's
 * runtime model: the children in HAPI's encoding order with direct field access, and for each child
 * and value class the JSON member name (choice types included) and kind of value.
 */
final class ModelTables {
  /** Model classes we write ourselves; anything else (custom subclasses) goes to HAPI. */
  private static final String MODEL_PACKAGE = "org.hl7.fhir.r4.model.";

  private final FhirContext context;

  private final ClassValue<Composite> composites =
      new ClassValue<>() {
        @Override
        protected Composite computeValue(Class<?> type) {
          return composite(type);
        }
      };

  private final ClassValue<ChildType> extensionValues =
      new ClassValue<>() {
        @Override
        protected ChildType computeValue(Class<?> type) {
          return extensionValue(type);
        }
      };

  ModelTables(FhirContext context) {
    this.context = context;
  }

  FhirContext context() {
    return context;
  }

  /** The table of a composite element or resource class. */
  Composite composite(IBase element) {
    return composites.get(element.getClass());
  }

  /** How an extension's value of this class is written ({@code valueString}, …). */
  ChildType extensionValue(IBase value) {
    return extensionValues.get(value.getClass());
  }

  /** The children of one composite element or resource class, in HAPI's order. */
  static final class Composite {
    final boolean supported;
    final String resourceName;
    final Slot[] slots;
    final Field extensionField;
    final Field modifierExtensionField;
    final Field containedField;

    Composite(
        boolean supported,
        String resourceName,
        Slot[] slots,
        Field extensionField,
        Field modifierExtensionField,
        Field containedField) {
      this.supported = supported;
      this.resourceName = resourceName;
      this.slots = slots;
      this.extensionField = extensionField;
      this.modifierExtensionField = modifierExtensionField;
      this.containedField = containedField;
    }

    static Composite unsupported() {
      return new Composite(false, null, new Slot[0], null, null, null);
    }
  }

  /** One child of a composite: its values, and how each value class of it is named. */
  final class Slot {
    /** An ordinary child. */
    static final int VALUES = 0;

    /** Where HAPI writes the element's extension and modifierExtension arrays. */
    static final int EXTENSIONS = 1;

    /** Resource.contained (the encoder refuses non-empty ones). */
    static final int CONTAINED = 2;

    final int kind;
    final BaseRuntimeChildDefinition child;
    final boolean multiple;
    final boolean meta;
    private final Field field;
    private volatile ChildType[] types = new ChildType[0];

    Slot(int kind, BaseRuntimeChildDefinition child, boolean meta) {
      this.kind = kind;
      this.child = child;
      this.meta = meta;
      BaseRuntimeChildDefinition replaced = child.getReplacedParentDefinition();
      this.multiple =
          child.isMultipleCardinality() || (replaced != null && replaced.isMultipleCardinality());
      this.field =
          child instanceof BaseRuntimeDeclaredChildDefinition declared ? declared.getField() : null;
    }

    /** The child's value: null, one value, or a List of values. */
    Object read(IBase target) {
      if (field == null) {
        return child.getAccessor().getValues(target);
      }
      return ModelTables.read(field, target);
    }

    /**
     * How a value of this class is written in this child (e.g. Observation.value → valueQuantity).
     */
    ChildType type(Class<? extends IBase> valueClass) {
      // Copy on write: most children see one value class; a racing thread at worst computes the
      // same entry again.
      ChildType[] known = types;
      for (ChildType type : known) {
        if (type.valueClass == valueClass) {
          return type;
        }
      }
      ChildType type = childType(child, valueClass);
      ChildType[] more = Arrays.copyOf(known, known.length + 1);
      more[known.length] = type;
      types = more;
      return type;
    }
  }

  /** How one value class is written in one child. */
  static final class ChildType {
    /** Not written by this encoder. */
    static final int UNSUPPORTED = 0;

    /** A primitive written as a JSON string. */
    static final int TEXT = 1;

    /** A primitive whose value is an Integer, written as a number. */
    static final int INTEGER = 2;

    /** A decimal, written as a number exactly as the model holds its text. */
    static final int DECIMAL = 3;

    static final int BOOLEAN = 4;

    /** A primitive whose value is a Long, written as a number. */
    static final int LONG = 5;

    /** A composite datatype or backbone element: an object. */
    static final int COMPOSITE = 6;

    /** An element of type id (not Resource.id): its value as a string, extensions dropped. */
    static final int ID = 7;

    /** Narrative.div: its XHTML as a string. */
    static final int XHTML = 8;

    /** A resource inside another (Bundle.entry.resource, Parameters.parameter.resource). */
    static final int RESOURCE = 9;

    final Class<?> valueClass;
    final int mode;
    final String name;
    final byte[] quotedName;
    final byte[] quotedUnderscoreName;
    final boolean reference;

    ChildType(Class<?> valueClass, String name, ChildTypeEnum kind) {
      this.valueClass = valueClass;
      int m =
          name != null && kind != null && isPlainName(name) ? mode(valueClass, kind) : UNSUPPORTED;
      this.mode = m;
      this.name = name;
      this.quotedName = m != UNSUPPORTED ? quoted(name) : null;
      this.quotedUnderscoreName = m != UNSUPPORTED ? quoted("_" + name) : null;
      this.reference = IBaseReference.class.isAssignableFrom(valueClass);
    }

    boolean primitive() {
      return mode >= TEXT && mode <= LONG;
    }

    private static int mode(Class<?> type, ChildTypeEnum kind) {
      return switch (kind) {
        case PRIMITIVE_DATATYPE -> primitiveMode(type);
        case COMPOSITE_DATATYPE, RESOURCE_BLOCK ->
            Element.class.isAssignableFrom(type) && type.getName().startsWith(MODEL_PACKAGE)
                ? COMPOSITE
                : UNSUPPORTED;
        case ID_DATATYPE -> IdType.class == type ? ID : UNSUPPORTED;
        case PRIMITIVE_XHTML_HL7ORG -> XhtmlNode.class == type ? XHTML : UNSUPPORTED;
        case RESOURCE -> Resource.class.isAssignableFrom(type) ? RESOURCE : UNSUPPORTED;
        default -> UNSUPPORTED;
      };
    }

    /**
     * How HAPI writes a primitive of this class: Strings (and anything not numeric or boolean) as
     * text, Longs, integers and decimals as numbers, booleans bare. Decided per class from the type
     * argument of PrimitiveType, which fixes the class of its values.
     */
    private static int primitiveMode(Class<?> type) {
      if (!PrimitiveType.class.isAssignableFrom(type)
          || IBaseHasModifierExtensions.class.isAssignableFrom(type)) {
        return UNSUPPORTED;
      }
      Class<?> value = primitiveValueClass(type);
      if (value == null) {
        return UNSUPPORTED;
      }
      if (value == String.class) {
        return TEXT;
      }
      if (value == Long.class) {
        return LONG;
      }
      if (value.isAssignableFrom(String.class) || value.isAssignableFrom(Long.class)) {
        return UNSUPPORTED;
      }
      if (IBaseIntegerDatatype.class.isAssignableFrom(type)) {
        return value == Integer.class ? INTEGER : UNSUPPORTED;
      }
      if (IBaseDecimalDatatype.class.isAssignableFrom(type)) {
        return value == BigDecimal.class ? DECIMAL : UNSUPPORTED;
      }
      if (IBaseBooleanDatatype.class.isAssignableFrom(type)) {
        return value == Boolean.class ? BOOLEAN : UNSUPPORTED;
      }
      return TEXT;
    }

    /** The class a type stands for: itself, its raw type, or its type variable's first bound. */
    private static Class<?> erasure(java.lang.reflect.Type type) {
      if (type instanceof Class<?> plain) {
        return plain;
      }
      if (type instanceof ParameterizedType parameterized) {
        return erasure(parameterized.getRawType());
      }
      if (type instanceof TypeVariable<?> variable) {
        return erasure(variable.getBounds()[0]);
      }
      return null;
    }

    /** The class of the values of PrimitiveType&lt;T&gt; that a class extends (T's erasure). */
    private static Class<?> primitiveValueClass(Class<?> type) {
      Map<TypeVariable<?>, java.lang.reflect.Type> bound = new HashMap<>();
      for (Class<?> c = type; c != null && c != Object.class; c = c.getSuperclass()) {
        java.lang.reflect.Type superType = c.getGenericSuperclass();
        if (superType instanceof ParameterizedType parameterized) {
          Class<?> raw = (Class<?>) parameterized.getRawType();
          TypeVariable<?>[] variables = raw.getTypeParameters();
          java.lang.reflect.Type[] arguments = parameterized.getActualTypeArguments();
          for (int i = 0; i < variables.length; i++) {
            java.lang.reflect.Type argument = arguments[i];
            while (argument instanceof TypeVariable<?> variable && bound.containsKey(variable)) {
              argument = bound.get(variable);
            }
            bound.put(variables[i], argument);
          }
          if (raw == PrimitiveType.class) {
            return erasure(bound.get(variables[0]));
          }
        }
      }
      return null;
    }
  }

  /** A member name as JSON: {@code "name"} in ASCII. */
  static byte[] quoted(String name) {
    return ('"' + name + '"').getBytes(StandardCharsets.US_ASCII);
  }

  private static boolean isPlainName(String name) {
    for (int i = 0; i < name.length(); i++) {
      char c = name.charAt(i);
      if (!(c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9' || c == '_')) {
        return false;
      }
    }
    return !name.isEmpty();
  }

  static Object read(Field field, IBase target) {
    try {
      return field.get(target);
    } catch (IllegalAccessException e) {
      throw Unsupported.INSTANCE;
    }
  }

  private Composite composite(Class<?> type) {
    if (!type.getName().startsWith(MODEL_PACKAGE) || !IBase.class.isAssignableFrom(type)) {
      return Composite.unsupported();
    }
    @SuppressWarnings("unchecked")
    BaseRuntimeElementDefinition<?> definition =
        context.getElementDefinition((Class<? extends IBase>) type);
    if (!(definition instanceof BaseRuntimeElementCompositeDefinition<?> composite)
        || !definition.getExtensions().isEmpty()
        || !(Element.class.isAssignableFrom(type) || Resource.class.isAssignableFrom(type))) {
      return Composite.unsupported();
    }
    String resourceName =
        definition instanceof RuntimeResourceDefinition resource ? resource.getName() : null;
    List<Slot> slots = new ArrayList<>();
    boolean extensions = false;
    Field extensionField = null;
    Field modifierExtensionField = null;
    Field containedField = null;
    boolean supported = true;
    for (BaseRuntimeChildDefinition child : composite.getChildrenAndExtension()) {
      String name = child.getElementName();
      if (name.equals("id")) {
        continue;
      }
      if (child instanceof RuntimeChildDeclaredExtensionDefinition) {
        supported = false;
      } else if (name.equals("extension") || name.equals("modifierExtension")) {
        Field field = fieldOf(child);
        if (field == null) {
          supported = false;
        } else if (name.equals("extension")) {
          extensionField = field;
        } else {
          modifierExtensionField = field;
        }
        if (!extensions) {
          slots.add(new Slot(Slot.EXTENSIONS, child, false));
          extensions = true;
        }
      } else if (child instanceof RuntimeChildContainedResources) {
        containedField = fieldOf(child);
        supported &= containedField != null;
        slots.add(new Slot(Slot.CONTAINED, child, false));
      } else {
        slots.add(new Slot(Slot.VALUES, child, resourceName != null && name.equals("meta")));
      }
    }
    return new Composite(
        supported,
        resourceName,
        slots.toArray(new Slot[0]),
        extensionField,
        modifierExtensionField,
        containedField);
  }

  private static Field fieldOf(BaseRuntimeChildDefinition child) {
    return child instanceof BaseRuntimeDeclaredChildDefinition declared
        ? declared.getField()
        : null;
  }

  /**
   * The member name and definition of a value in a child, found the way HAPI's parser finds them:
   * by the value's class, then (for enumerations) as a code, then by its nearest concrete
   * superclass the child knows.
   */
  @SuppressWarnings("unchecked")
  private ChildType childType(BaseRuntimeChildDefinition child, Class<? extends IBase> type) {
    try {
      String name = child.getChildNameByDatatype(type);
      BaseRuntimeElementDefinition<?> definition = child.getChildElementDefinitionByDatatype(type);
      if (definition == null) {
        BaseRuntimeElementDefinition<?> own = context.getElementDefinition(type);
        if (own != null && own.getName().equals("code")) {
          Class<? extends IBase> code = context.getElementDefinition("code").getImplementingClass();
          definition = child.getChildElementDefinitionByDatatype(code);
          name = child.getChildNameByDatatype(code);
        }
        Class<?> next = type;
        while (definition == null && IBase.class.isAssignableFrom(next)) {
          if (!Modifier.isAbstract(next.getModifiers())) {
            BaseRuntimeElementDefinition<?> nextDefinition =
                context.getElementDefinition((Class<? extends IBase>) next);
            Class<? extends IBase> implementing = nextDefinition.getImplementingClass();
            definition = child.getChildElementDefinitionByDatatype(implementing);
            name = child.getChildNameByDatatype(implementing);
          }
          next = next.getSuperclass();
        }
      }
      return new ChildType(type, name, definition == null ? null : definition.getChildType());
    } catch (RuntimeException e) {
      return new ChildType(type, null, null);
    }
  }

  /** {@code valueString}, {@code valueCodeableConcept}, … as HAPI names extension values. */
  @SuppressWarnings("unchecked")
  private ChildType extensionValue(Class<?> type) {
    try {
      RuntimeChildUndeclaredExtensionDefinition extension =
          context.getRuntimeChildUndeclaredExtensionDefinition();
      Class<? extends IBase> valueClass = (Class<? extends IBase>) type;
      String name = extension.getChildNameByDatatype(valueClass);
      if (name == null) {
        String typeName = context.getElementDefinition(valueClass).getName();
        name = "value" + typeName.substring(0, 1).toUpperCase(Locale.ROOT) + typeName.substring(1);
      }
      BaseRuntimeElementDefinition<?> definition =
          extension.getChildElementDefinitionByDatatype(valueClass);
      return new ChildType(type, name, definition == null ? null : definition.getChildType());
    } catch (RuntimeException e) {
      return new ChildType(type, null, null);
    }
  }
}
